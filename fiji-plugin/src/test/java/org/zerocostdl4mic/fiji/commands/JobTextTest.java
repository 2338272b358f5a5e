package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;

import com.google.protobuf.Duration;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.EpochMetrics;
import org.zerocostdl4mic.protos.v1.JobProgress;

public class JobTextTest {
    @Test
    public void progressLineAndFraction() {
        JobProgress p = JobProgress.newBuilder().setEpoch(3).setEpochs(10).setStep(5).setSteps(10).setLoss(0.01234)
                .setEta(Duration.newBuilder().setSeconds(3725)).build();
        assertEquals("Training care-2d: epoch 3/10, step 5/10, loss 0.0123, ETA 1:02:05", JobText.progress("care-2d", p));
        assertEquals(0.25, JobText.fraction(p), 1e-12);
        assertEquals(-1, JobText.fraction(JobProgress.getDefaultInstance()), 0);
    }

    @Test
    public void epochLineAndNumbers() {
        assertEquals("epoch 2: loss 0.5000, val_loss 1.234e-03 (best so far, saved)",
                JobText.epoch(EpochMetrics.newBuilder().setEpoch(2).setLoss(0.5).setValLoss(0.001234).setBest(true).build()));
        assertEquals("0:59", JobText.duration(Duration.newBuilder().setSeconds(59).build()));
    }
}
