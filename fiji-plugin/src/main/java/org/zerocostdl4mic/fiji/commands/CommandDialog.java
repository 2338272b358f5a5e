package org.zerocostdl4mic.fiji.commands;

import ij.Macro;
import ij.gui.GenericDialog;
import java.awt.GraphicsEnvironment;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.zerocostdl4mic.fiji.client.UserFacingException;

/**
 * A GenericDialog, so the macro recorder records the command and run("...", "key=value") replays it. Where AWT
 * cannot open windows (java.awt.headless=true, plain ImageJ 1 on a server) GenericDialog cannot be built, so the
 * same fields are read from the macro options exactly as GenericDialog reads them in a macro: the first word of a
 * label is its key, an absent key keeps the default, a checkbox is true when its key is present.
 */
final class CommandDialog {
    private final String title;
    private final GenericDialog dialog;
    private final String options;
    private final List<Field> strings = new ArrayList<>();
    private final List<Field> numbers = new ArrayList<>();
    private final List<Field> choices = new ArrayList<>();
    private final List<Field> checkboxes = new ArrayList<>();
    private int stringIndex, numberIndex, choiceIndex, checkboxIndex;

    CommandDialog(String title) {
        this(title, GraphicsEnvironment.isHeadless());
    }

    /** @param withoutWindows read macro options directly instead of building a GenericDialog */
    CommandDialog(String title, boolean withoutWindows) {
        this.title = title;
        if (withoutWindows) {
            dialog = null;
            String o = Macro.getOptions();
            options = o == null ? " " : o;
        } else {
            dialog = new GenericDialog(title);
            options = null;
        }
    }

    /** True when values come from macro options (a macro or IJ.run call), so nothing is shown. */
    static boolean readsMacroOptions() {
        return Macro.getOptions() != null;
    }

    void addMessage(String text) {
        if (dialog != null)
            dialog.addMessage(text);
    }

    void addString(String label, String defaultValue, int columns) {
        if (dialog != null)
            dialog.addStringField(label, defaultValue, columns);
        strings.add(new Field(label, defaultValue));
    }

    void addPassword(String label, String defaultValue) {
        if (dialog != null)
            dialog.setEchoChar('*');
        addString(label, defaultValue, 30);
    }

    /** A folder field, with a Browse button where ImageJ offers one (1.53d and later). */
    void addFolder(String label, String defaultValue) {
        if (dialog != null) {
            try {
                Method m = GenericDialog.class.getMethod("addDirectoryField", String.class, String.class, int.class);
                m.invoke(dialog, label, defaultValue, 40);
                strings.add(new Field(label, defaultValue));
                return;
            } catch (ReflectiveOperationException older) {
                // Older ImageJ: a plain text field does the same job.
            }
        }
        addString(label, defaultValue, 40);
    }

    void addNumber(String label, double defaultValue, int digits) {
        if (dialog != null)
            dialog.addNumericField(label, defaultValue, digits);
        numbers.add(new Field(label, format(defaultValue, digits)));
    }

    void addChoice(String label, String[] items, String defaultItem) {
        if (dialog != null)
            dialog.addChoice(label, items, defaultItem);
        choices.add(new Field(label, defaultItem));
    }

    void addCheckbox(String label, boolean defaultValue) {
        if (dialog != null)
            dialog.addCheckbox(label, defaultValue);
        checkboxes.add(new Field(label, Boolean.toString(defaultValue)));
    }

    /** A Help button showing this HTML (dialogs only). */
    void addHelp(String html) {
        if (dialog != null)
            dialog.addHelp(html);
    }

    /** Shows the dialog (or, in a macro, reads its options); false when the user cancelled. */
    boolean show() {
        if (dialog == null)
            return true;
        dialog.showDialog();
        return !dialog.wasCanceled();
    }

    String nextString() {
        if (dialog != null)
            return dialog.getNextString().trim();
        Field f = strings.get(stringIndex++);
        return Macro.getValue(options, f.label, f.defaultValue).trim();
    }

    double nextNumber() {
        if (dialog != null) {
            double value = dialog.getNextNumber();
            if (dialog.invalidNumber())
                throw new UserFacingException("A number field of " + title + " does not hold a number: "
                        + "correct it and run the command again.");
            return value;
        }
        Field f = numbers.get(numberIndex++);
        String text = Macro.getValue(options, f.label, f.defaultValue);
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UserFacingException("'" + text + "' is not a number for " + key(f.label) + " in " + title
                    + ": give a number, e.g. " + key(f.label) + "=" + f.defaultValue + ".");
        }
    }

    String nextChoice() {
        if (dialog != null)
            return dialog.getNextChoice();
        Field f = choices.get(choiceIndex++);
        return Macro.getValue(options, f.label, f.defaultValue);
    }

    boolean nextBoolean() {
        if (dialog != null)
            return dialog.getNextBoolean();
        Field f = checkboxes.get(checkboxIndex++);
        return hasKey(options, key(f.label));
    }

    static String key(String label) {
        return Macro.trimKey(label);
    }

    /** As GenericDialog: the key followed by a space, not inside [brackets] and not a value after '='. */
    static boolean hasKey(String options, String key) {
        String s = options.endsWith(" ") ? options : options + " ";
        String word = key + " ";
        if (s.startsWith(word))
            return true;
        word = " " + word;
        boolean inLiteral = false;
        for (int i = 0; i + word.length() <= s.length(); i++) {
            char c = s.charAt(i);
            if (inLiteral && c == ']')
                inLiteral = false;
            else if (c == '[')
                inLiteral = true;
            if (inLiteral || c != ' ' || (i > 0 && s.charAt(i - 1) == '='))
                continue;
            if (s.startsWith(word, i))
                return true;
        }
        return false;
    }

    private static String format(double value, int digits) {
        if (digits <= 0 && value == Math.rint(value))
            return Long.toString((long) value);
        return String.format(Locale.ROOT, "%." + Math.max(0, digits) + "f", value);
    }

    private static final class Field {
        final String label;
        final String defaultValue;

        Field(String label, String defaultValue) {
            this.label = label;
            this.defaultValue = defaultValue;
        }
    }
}
