package org.zerocostdl4mic.fiji.client;

import org.zerocostdl4mic.protos.v1.CancelJobRequest;
import org.zerocostdl4mic.protos.v1.JobEvent;
import org.zerocostdl4mic.protos.v1.JobState;
import org.zerocostdl4mic.protos.v1.WatchJobRequest;

/**
 * Follows a job with Jobs.WatchJob until it ends. When the cancel signal fires the job itself is cancelled on the
 * server (CancelJob) and watching goes on until the server reports the end, so the user sees the final state.
 */
public final class JobWatcher {
    private final ServerConnection connection;

    public JobWatcher(ServerConnection connection) {
        this.connection = connection;
    }

    /** Receives each event as it comes. */
    public interface Listener {
        void onEvent(JobEvent event);
    }

    /** Watches until the stream ends; returns the last state reported (JOB_STATE_UNSPECIFIED if none was). */
    public JobState watch(String jobId, CancelSignal cancel, Listener listener) {
        boolean[] cancelSent = {false};
        CancelSignal cancelJobOnce = () -> {
            if (!cancelSent[0] && cancel.cancelRequested()) {
                cancelSent[0] = true;
                try {
                    connection.call(() -> connection.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build()));
                } catch (UserFacingException alreadyOver) {
                    // The job ended meanwhile; the stream reports how.
                }
            }
            return false; // keep watching: the server ends the stream once the job has stopped
        };
        CallStream<WatchJobRequest, JobEvent> call = new CallStream<>(connection.address(), cancelJobOnce, "Watching the job");
        connection.jobsStreaming().watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(), call);
        JobState state = JobState.JOB_STATE_UNSPECIFIED;
        JobEvent event;
        while ((event = call.next()) != null) {
            if (event.getEventCase() == JobEvent.EventCase.STATE)
                state = event.getState();
            listener.onEvent(event);
        }
        return state;
    }
}
