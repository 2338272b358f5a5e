package org.zerocostdl4mic.fiji.commands;

import ij.measure.ResultsTable;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.CancelJobRequest;
import org.zerocostdl4mic.protos.v1.Job;
import org.zerocostdl4mic.protos.v1.JobState;
import org.zerocostdl4mic.protos.v1.ListJobsRequest;

/** Plugins > ZeroCostDL4Mic > Jobs...: the server's jobs in a table (state, epoch, losses, ETA), and cancelling one. */
public final class JobsCommand extends Command {
    static final String TABLE = "ZeroCostDL4Mic Jobs";

    @Override
    protected void execute() {
        try (ServerConnection connection = ServerConnection.open(ServerSettings.load())) {
            List<Job> jobs = connection.call(() -> connection.jobs().listJobs(ListJobsRequest.getDefaultInstance())).getJobsList();
            table(jobs).show(TABLE);

            List<String> active = new ArrayList<>();
            active.add(Defaults.NONE);
            for (Job job : jobs)
                if (job.getState() == JobState.JOB_STATE_QUEUED || job.getState() == JobState.JOB_STATE_RUNNING)
                    active.add(job.getId());
            CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Jobs");
            if (CommandDialog.readsMacroOptions())
                dialog.addString("cancel", Defaults.NONE, 30);
            else if (active.size() > 1)
                dialog.addChoice("cancel (job to stop)", active.toArray(new String[0]), Defaults.NONE);
            else
                return; // nothing to cancel: the table is all there is
            if (!dialog.show())
                return;
            String cancel = CommandDialog.readsMacroOptions() ? dialog.nextString() : dialog.nextChoice();
            if (cancel.isEmpty() || Defaults.NONE.equals(cancel))
                return;
            if (!jobIds(jobs).contains(cancel))
                throw new UserFacingException("There is no job '" + cancel + "' on the server: use an id from the "
                        + TABLE + " table.");
            Job after = connection.call(() -> connection.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(cancel).build())).getJob();
            log("job " + cancel + " is " + stateName(after.getState()));
        }
    }

    static ResultsTable table(List<Job> jobs) {
        ResultsTable table = new ResultsTable();
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm", Locale.ROOT);
        for (Job job : jobs) {
            table.incrementCounter();
            table.addValue("Job", job.getId());
            table.addValue("Kind", kindName(job));
            table.addValue("State", stateName(job.getState()));
            table.addValue("Network", job.getNetwork());
            table.addValue("Model", job.getModelId());
            table.addValue("Epoch", job.getEpochs() > 0 ? job.getEpoch() + "/" + job.getEpochs() : "");
            table.addValue("Loss", job.getEpoch() > 0 ? JobText.number(job.getLoss()) : "");
            table.addValue("Val loss", job.getEpoch() > 0 ? JobText.number(job.getValLoss()) : "");
            table.addValue("ETA", job.hasEta() && job.getState() == JobState.JOB_STATE_RUNNING ? JobText.duration(job.getEta()) : "");
            table.addValue("Created", job.hasCreatedAt() ? time.format(new Date(job.getCreatedAt().getSeconds() * 1000L)) : "");
            table.addValue("Message", job.getMessage());
        }
        return table;
    }

    private static List<String> jobIds(List<Job> jobs) {
        List<String> ids = new ArrayList<>();
        for (Job job : jobs)
            ids.add(job.getId());
        return ids;
    }

    static String stateName(JobState state) {
        switch (state) {
            case JOB_STATE_QUEUED:
                return "queued";
            case JOB_STATE_RUNNING:
                return "running";
            case JOB_STATE_SUCCEEDED:
                return "succeeded";
            case JOB_STATE_FAILED:
                return "failed";
            case JOB_STATE_CANCELLED:
                return "cancelled";
            default:
                return "unknown";
        }
    }

    private static String kindName(Job job) {
        switch (job.getKind()) {
            case JOB_KIND_TRAINING:
                return "training";
            case JOB_KIND_QUALITY_CONTROL:
                return "quality control";
            case JOB_KIND_PREDICTION:
                return "prediction";
            default:
                return "";
        }
    }
}
