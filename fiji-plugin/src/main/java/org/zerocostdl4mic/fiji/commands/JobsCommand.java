package org.zerocostdl4mic.fiji.commands;

import ij.measure.ResultsTable;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.CancelJobRequest;
import org.zerocostdl4mic.protos.v1.Job;
import org.zerocostdl4mic.protos.v1.JobState;
import org.zerocostdl4mic.protos.v1.ListJobsRequest;

/**
 * Plugins > ZeroCostDL4Mic > Jobs...: the user's jobs on the server in a table (owner, state, epoch, losses, ETA),
 * refreshed every two seconds while the dialog is open, and cancelling one. On a server with access tokens "the
 * user's" are the token's; on an open server everyone is the same user and sees every job.
 */
public final class JobsCommand extends Command {
    static final String TABLE = "ZeroCostDL4Mic Jobs";
    static final long REFRESH_SECONDS = 2;

    @Override
    protected void execute() {
        try (ServerConnection connection = ServerConnection.open(ServerSettings.load())) {
            List<Job> jobs = myJobs(connection);
            table(jobs).show(TABLE);

            List<String> active = new ArrayList<>();
            active.add(Defaults.NONE);
            for (Job job : jobs)
                if (job.getState() == JobState.JOB_STATE_QUEUED || job.getState() == JobState.JOB_STATE_RUNNING)
                    active.add(job.getId());
            CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Jobs");
            boolean macro = CommandDialog.readsMacroOptions();
            if (macro) {
                dialog.addString("cancel", Defaults.NONE, 30);
            } else {
                dialog.addMessage("The " + TABLE + " table is refreshed every " + REFRESH_SECONDS + " s while this dialog is open.");
                if (active.size() > 1)
                    dialog.addChoice("cancel (job to stop)", active.toArray(new String[0]), Defaults.NONE);
            }
            if (!showRefreshing(dialog, connection, !macro))
                return;
            String cancel = macro ? dialog.nextString() : active.size() > 1 ? dialog.nextChoice() : Defaults.NONE;
            if (cancel.isEmpty() || Defaults.NONE.equals(cancel))
                return;
            if (!jobIds(jobs).contains(cancel))
                throw new UserFacingException("You have no job '" + cancel + "' on the server: use an id from the "
                        + TABLE + " table.");
            Job after = connection.call(() -> connection.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(cancel).build())).getJob();
            log("job " + cancel + " is " + stateName(after.getState()));
        }
    }

    /** The caller's jobs: the server knows the caller from the access token. */
    static List<Job> myJobs(ServerConnection connection) {
        return connection.call(() -> connection.jobs().listJobs(ListJobsRequest.newBuilder().setMine(true).build())).getJobsList();
    }

    /** Shows the dialog; while a person looks at it, the table follows the server. */
    private static boolean showRefreshing(CommandDialog dialog, ServerConnection connection, boolean refresh) {
        if (!refresh)
            return dialog.show();
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ZeroCostDL4Mic jobs refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                table(myJobs(connection)).show(TABLE);
            } catch (RuntimeException serverGone) {
                refresher.shutdown(); // the table keeps its last rows; the next command reports the error
            }
        }, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        try {
            return dialog.show();
        } finally {
            refresher.shutdownNow();
        }
    }

    static ResultsTable table(List<Job> jobs) {
        ResultsTable table = new ResultsTable();
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm", Locale.ROOT);
        for (Job job : jobs) {
            table.incrementCounter();
            table.addValue("Job", job.getId());
            table.addValue("Owner", job.getOwner());
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
