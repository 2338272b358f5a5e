package org.zerocostdl4mic.fiji.commands;

import java.util.List;
import org.zerocostdl4mic.protos.v1.ParameterSpec;
import org.zerocostdl4mic.protos.v1.ParameterValue;

/**
 * Dialog fields built from a network's ParameterSpec: the label is the parameter's name (so it is also the macro
 * key), the default is the server's. Floats stay text so the server's default travels unrounded, and booleans are
 * true/false choices so a macro that leaves one out keeps the default (an absent checkbox would mean false).
 * Values go back as text; the server checks them and names any bad field.
 */
final class ParameterFields {
    private ParameterFields() {
    }

    private enum Field { NUMBER, TEXT, CHOICE }

    private static final String[] BOOLEANS = {"true", "false"};

    static void add(CommandDialog dialog, ParameterSpec spec) {
        String name = spec.getName();
        String value = spec.getDefaultValue();
        switch (field(spec)) {
            case NUMBER:
                dialog.addNumber(name, Long.parseLong(value.trim()), 0);
                break;
            case CHOICE: {
                String[] items = items(spec);
                String selected = items[0];
                for (String item : items)
                    if (item.equalsIgnoreCase(value.trim()))
                        selected = item;
                dialog.addChoice(name, items, selected);
                break;
            }
            default:
                dialog.addString(name, value, 10);
                break;
        }
    }

    static ParameterValue read(CommandDialog dialog, ParameterSpec spec) {
        String value;
        switch (field(spec)) {
            case NUMBER: {
                double v = dialog.nextNumber();
                value = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
                break;
            }
            case CHOICE:
                value = dialog.nextChoice();
                break;
            default:
                value = dialog.nextString();
                break;
        }
        return ParameterValue.newBuilder().setName(spec.getName()).setValue(value).build();
    }

    /** An HTML table of the parameters for the dialog's Help button. */
    static String help(String title, List<ParameterSpec> specs) {
        StringBuilder html = new StringBuilder("<html><h3>").append(escape(title)).append("</h3><table>");
        html.append("<tr><th align=left>Parameter</th><th align=left>Default</th><th align=left>Range</th><th align=left>Meaning</th></tr>");
        for (ParameterSpec spec : specs) {
            String range = "";
            switch (spec.getType()) {
                case PARAMETER_TYPE_INT:
                case PARAMETER_TYPE_FLOAT:
                    if (spec.getMax() > spec.getMin())
                        range = trim(spec.getMin()) + " .. " + trim(spec.getMax());
                    break;
                case PARAMETER_TYPE_CHOICE:
                    range = String.join(", ", spec.getChoicesList());
                    break;
                default:
                    break;
            }
            html.append("<tr><td>").append(escape(spec.getName())).append("</td><td>").append(escape(spec.getDefaultValue()))
                    .append("</td><td>").append(escape(range)).append("</td><td>").append(escape(spec.getDescription()))
                    .append("</td></tr>");
        }
        return html.append("</table></html>").toString();
    }

    private static Field field(ParameterSpec spec) {
        switch (spec.getType()) {
            case PARAMETER_TYPE_INT:
                return isLong(spec.getDefaultValue()) ? Field.NUMBER : Field.TEXT;
            case PARAMETER_TYPE_BOOL:
                return Field.CHOICE;
            case PARAMETER_TYPE_CHOICE:
                return spec.getChoicesCount() > 0 ? Field.CHOICE : Field.TEXT;
            default:
                return Field.TEXT;
        }
    }

    private static String[] items(ParameterSpec spec) {
        if (spec.getType() == org.zerocostdl4mic.protos.v1.ParameterType.PARAMETER_TYPE_BOOL)
            return BOOLEANS;
        return spec.getChoicesList().toArray(new String[0]);
    }

    private static boolean isLong(String s) {
        try {
            Long.parseLong(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
