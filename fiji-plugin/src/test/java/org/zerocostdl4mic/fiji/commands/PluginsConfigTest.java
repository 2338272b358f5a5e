package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ij.plugin.PlugIn;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class PluginsConfigTest {

    @Test
    public void everyMenuEntryIsAPublicPlugInUnderZeroCostDL4Mic() throws Exception {
        List<String> labels = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/plugins.config");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#"))
                    continue;
                String[] parts = line.split(",", 3);
                assertEquals(line, "Plugins>ZeroCostDL4Mic", parts[0].trim());
                String label = parts[1].trim();
                assertTrue(label, label.startsWith("\"ZeroCostDL4Mic ") && label.endsWith("...\""));
                labels.add(label);
                Class<?> type = Class.forName(parts[2].trim());
                assertTrue(type + " is a PlugIn", PlugIn.class.isAssignableFrom(type));
                assertTrue(type + " is public", Modifier.isPublic(type.getModifiers()));
                type.getConstructor().newInstance();
            }
        }
        assertEquals(6, labels.size());
        assertTrue(labels.contains("\"ZeroCostDL4Mic Predict...\""));
    }
}
