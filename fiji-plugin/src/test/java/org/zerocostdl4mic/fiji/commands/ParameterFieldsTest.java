package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ij.Macro;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.ParameterSpec;
import org.zerocostdl4mic.protos.v1.ParameterType;
import org.zerocostdl4mic.protos.v1.ParameterValue;

public class ParameterFieldsTest {
    static List<ParameterSpec> careSchema() {
        return Arrays.asList(
                spec("epochs", ParameterType.PARAMETER_TYPE_INT, "100", "main"),
                spec("learning_rate", ParameterType.PARAMETER_TYPE_FLOAT, "0.0004", "advanced"),
                spec("augment", ParameterType.PARAMETER_TYPE_BOOL, "True", "augmentation"),
                ParameterSpec.newBuilder().setName("loss").setType(ParameterType.PARAMETER_TYPE_CHOICE).setDefaultValue("mae")
                        .addChoices("mse").addChoices("mae").setGroup("advanced").build(),
                spec("patch_size", ParameterType.PARAMETER_TYPE_INT, "64", "main"));
    }

    static ParameterSpec spec(String name, ParameterType type, String value, String group) {
        return ParameterSpec.newBuilder().setName(name).setType(type).setDefaultValue(value).setGroup(group)
                .setMin(0).setMax(1000).setDescription("the " + name).build();
    }

    @After
    public void clear() {
        Macro.setOptions(Thread.currentThread(), null);
    }

    private static List<ParameterValue> read(String options, List<ParameterSpec> specs) {
        Thread.currentThread().setName("Run$_test");
        Macro.setOptions(Thread.currentThread(), options);
        CommandDialog d = new CommandDialog("Train", true);
        for (ParameterSpec s : specs)
            ParameterFields.add(d, s);
        d.show();
        List<ParameterValue> values = new ArrayList<>();
        for (ParameterSpec s : specs)
            values.add(ParameterFields.read(d, s));
        return values;
    }

    @Test
    public void absentKeysSendTheServersDefaultsUnrounded() {
        List<ParameterValue> values = read("", careSchema());
        assertEquals("epochs=100 learning_rate=0.0004 augment=true loss=mae patch_size=64", text(values));
    }

    @Test
    public void givenKeysOverrideDefaults() {
        List<ParameterValue> values = read("epochs=2 learning_rate=1e-3 augment=false loss=mse patch_size=32", careSchema());
        assertEquals("epochs=2 learning_rate=1e-3 augment=false loss=mse patch_size=32", text(values));
    }

    @Test
    public void mainGroupComesFirst() {
        List<ParameterSpec> ordered = TrainCommand.orderedByGroup(careSchema());
        assertEquals("epochs", ordered.get(0).getName());
        assertEquals("patch_size", ordered.get(1).getName());
        assertEquals("learning_rate", ordered.get(2).getName());
    }

    @Test
    public void helpListsEveryParameter() {
        String html = ParameterFields.help("CARE <2D>", careSchema());
        assertTrue(html.contains("CARE &lt;2D&gt;"));
        for (ParameterSpec s : careSchema())
            assertTrue(html.contains(s.getName()));
        assertTrue(html.contains("0 .. 1000"));
    }

    @Test
    public void longDescriptionsAreWrapped() {
        assertEquals("one two\nthree", TrainCommand.wrap("one two three", 8));
        assertEquals("short", TrainCommand.wrap("short", 70));
    }

    private static String text(List<ParameterValue> values) {
        StringBuilder s = new StringBuilder();
        for (ParameterValue v : values)
            s.append(s.length() == 0 ? "" : " ").append(v.getName()).append('=').append(v.getValue());
        return s.toString();
    }
}
