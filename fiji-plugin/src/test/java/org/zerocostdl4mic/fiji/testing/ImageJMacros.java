package org.zerocostdl4mic.fiji.testing;

import ij.IJ;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.GraphicsEnvironment;
import java.awt.Label;
import java.awt.TextComponent;
import java.awt.Window;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.Assume;

/**
 * ImageJ 1 as the tests drive it: no ImageJ window, batch-mode macros, with the plugin's menu commands registered from its plugins.config
 * (a jar holding only that file sits in a temporary plugins folder; the classes come from the test class path),
 * so macros call the commands by their menu names exactly as users do.
 */
public final class ImageJMacros {
    private static boolean installed;

    private ImageJMacros() {
    }

    /** What a macro returned, what it wrote to the Log, and the text of any dialog it opened. */
    public static final class Run {
        public final String value;
        public final String log;
        public final List<String> dialogs;

        Run(String value, String log, List<String> dialogs) {
            this.value = value;
            this.log = log;
            this.dialogs = dialogs;
        }

        public boolean aborted() {
            return "[aborted]".equals(value);
        }

        @Override
        public String toString() {
            return "returned " + value + ", dialogs " + dialogs + ", log:\n" + log;
        }
    }

    public static synchronized void install() throws IOException {
        if (installed)
            return;
        File home = Files.createTempDirectory("imagej-home").toFile();
        File plugins = new File(home, "plugins");
        if (!plugins.mkdirs())
            throw new IOException("cannot create " + plugins);
        try (InputStream config = ImageJMacros.class.getResourceAsStream("/plugins.config");
             JarOutputStream jar = new JarOutputStream(new FileOutputStream(new File(plugins, "ZeroCostDL4Mic_Test.jar")))) {
            jar.putNextEntry(new JarEntry("plugins.config"));
            copy(config, jar);
            jar.closeEntry();
        }
        System.setProperty("plugins.dir", home.getPath());
        installed = true;
    }

    /** Runs an ImageJ macro, capturing the Log (printed to stdout when ImageJ has no window). */
    public static synchronized Run macro(String macro) throws IOException {
        Assume.assumeFalse("ImageJ's menus need a display: run the tests under xvfb-run (build.sh does)",
                GraphicsEnvironment.isHeadless());
        install();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, "UTF-8");
        System.setOut(tee);
        List<String> dialogs = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watchdog = new Thread(() -> dismissDialogs(running, dialogs), "dialog-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String value;
        try {
            value = IJ.runMacro(macro);
        } finally {
            running.set(false);
            System.out.flush();
            System.setOut(original);
        }
        return new Run(value, new String(captured.toByteArray(), StandardCharsets.UTF_8), new ArrayList<>(dialogs));
    }

    /**
     * A modal dialog (an error, a macro error) would block the test forever: note its text and close it.
     * Commands in macros never open one, so any dialog seen is a finding.
     */
    private static void dismissDialogs(AtomicBoolean running, List<String> dialogs) {
        while (running.get()) {
            for (Window w : Window.getWindows()) {
                if (w instanceof Dialog && w.isShowing()) {
                    StringBuilder text = new StringBuilder(((Dialog) w).getTitle()).append(':');
                    collectText(w, text);
                    dialogs.add(text.toString());
                    System.err.println("closing dialog " + text);
                    w.dispose();
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void collectText(Container container, StringBuilder text) {
        for (Component c : container.getComponents()) {
            if (c instanceof Label)
                text.append(' ').append(((Label) c).getText());
            else if (c instanceof TextComponent)
                text.append(' ').append(((TextComponent) c).getText());
            else if (c instanceof ij.gui.MultiLineLabel)
                text.append(' ').append(multiLineText(c));
            if (c instanceof Container)
                collectText((Container) c, text);
        }
    }

    private static String multiLineText(Component label) {
        try {
            java.lang.reflect.Field lines = label.getClass().getDeclaredField("lines");
            lines.setAccessible(true);
            return String.join(" ", (String[]) lines.get(label));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return label.toString();
        }
    }

    /** A macro string literal. */
    public static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0)
            out.write(buffer, 0, n);
    }
}
