package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import org.zerocostdl4mic.fiji.client.CancelSignal;
import org.zerocostdl4mic.fiji.client.ProgressListener;

/** Progress in ImageJ's status bar and progress bar; Esc asks to cancel. */
final class ImageJProgress implements ProgressListener, CancelSignal {

    ImageJProgress() {
        IJ.resetEscape();
    }

    @Override
    public void update(String status, double fraction) {
        IJ.showStatus(status + " (Esc cancels)");
        if (fraction >= 0)
            IJ.showProgress(Math.min(1.0, fraction));
    }

    @Override
    public boolean cancelRequested() {
        return IJ.escapePressed();
    }

    void done(String status) {
        IJ.showProgress(1.0);
        IJ.showStatus(status);
    }
}
