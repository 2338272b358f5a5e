package org.zerocostdl4mic.fiji.commands;

import com.google.protobuf.Duration;
import java.util.Locale;
import org.zerocostdl4mic.protos.v1.EpochMetrics;
import org.zerocostdl4mic.protos.v1.JobProgress;

/** Job progress in words for the status bar, the Log and the Jobs table. */
final class JobText {
    private JobText() {
    }

    static String progress(String network, JobProgress p) {
        StringBuilder s = new StringBuilder("Training ").append(network)
                .append(": epoch ").append(p.getEpoch()).append('/').append(p.getEpochs());
        if (p.getSteps() > 0)
            s.append(", step ").append(p.getStep()).append('/').append(p.getSteps());
        s.append(", loss ").append(number(p.getLoss()));
        if (p.hasEta())
            s.append(", ETA ").append(duration(p.getEta()));
        return s.toString();
    }

    /** The fraction of the whole training done: finished epochs plus the share of the current one. */
    static double fraction(JobProgress p) {
        if (p.getEpochs() <= 0)
            return -1;
        double inEpoch = p.getSteps() > 0 ? (double) p.getStep() / p.getSteps() : 0;
        return Math.max(0, Math.min(1, (p.getEpoch() - 1 + inEpoch) / p.getEpochs()));
    }

    static String epoch(EpochMetrics e) {
        return "epoch " + e.getEpoch() + ": loss " + number(e.getLoss()) + ", val_loss " + number(e.getValLoss())
                + (e.getBest() ? " (best so far, saved)" : "");
    }

    /** h:mm:ss, or m:ss under an hour. */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    static String number(double v) {
        if (v == 0 || Double.isNaN(v))
            return Double.isNaN(v) ? "n/a" : "0";
        return Math.abs(v) >= 0.01 && Math.abs(v) < 1e5 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3e", v);
    }
}
