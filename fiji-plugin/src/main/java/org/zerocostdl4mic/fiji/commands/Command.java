package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import ij.ImageJ;
import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.CancelledByUser;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.fiji.converters.ImageConversionException;

/**
 * A menu command: runs its body and reports any failure as one sentence. At the screen that is an error dialog;
 * headless or in batch mode it is a line in the Log; and a macro that ran the command is aborted, so a failed
 * step never lets the macro go on with missing results. In {@code ij.ImageJ -batch macro.ijm}, which otherwise
 * exits 0 however its macro ended, the failure ends ImageJ with exit status 1. Never a stack-trace window.
 */
abstract class Command implements PlugIn {
    /** The exit status of {@code ij.ImageJ -batch} when a command of this plugin fails. */
    static final int BATCH_FAILURE_EXIT_STATUS = 1;

    /** The body of the command; failures are thrown as {@link UserFacingException}. */
    protected abstract void execute();

    @Override
    public final void run(String arg) {
        try {
            execute();
        } catch (CancelledByUser e) {
            IJ.showStatus(e.getMessage());
            if (inMacro())
                fail(e.getMessage());
        } catch (UserFacingException | ImageConversionException e) {
            fail(e.getMessage());
        } catch (RuntimeException e) {
            if (Macro.MACRO_CANCELED.equals(e.getMessage()))
                throw e;
            // A bug, not a user mistake: keep the trace in the Log for the report, never in a dialog.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            IJ.log(trace.toString());
            fail("Unexpected error (" + e + "): please report it with the details in the Log window.");
        } finally {
            IJ.showProgress(1.0);
        }
    }

    static void fail(String sentence) {
        boolean screen = !GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode();
        if (screen)
            IJ.error(Defaults.TITLE, sentence);
        else
            IJ.log(Defaults.TITLE + ": " + sentence);
        if (inMacro()) {
            if (screen)
                IJ.log(Defaults.TITLE + ": " + sentence);
            if (startedByBatchCommandLine()) {
                // ImageJ.main ignores the macro's outcome and exits 0 once it returns: only an exit here tells the script.
                System.out.flush();
                System.exit(BATCH_FAILURE_EXIT_STATUS);
            }
            // Stops the running macro; IJ.run callers in Java see Macro.abort's flag.
            Interpreter.abort();
            Macro.abort();
        }
    }

    /** True when a macro (or an IJ.run call with options) started this command, so failing must stop it. */
    static boolean inMacro() {
        return Macro.getOptions() != null || (Interpreter.getInstance() != null && IJ.macroRunning());
    }

    /**
     * True in a JVM started as {@code ij.ImageJ -batch macro.ijm}: no ImageJ window, and ImageJ.main will exit as
     * soon as the macro returns. Never in Fiji's window or in a JVM that embeds ImageJ (ImageJ.main not run).
     */
    static boolean startedByBatchCommandLine() {
        String[] args = ImageJ.getArgs();
        if (args == null || IJ.getInstance() != null)
            return false;
        for (String arg : args) {
            if (arg != null && arg.startsWith("-batch"))
                return true;
        }
        return false;
    }

    static void log(String line) {
        IJ.log(Defaults.TITLE + ": " + line);
    }
}
