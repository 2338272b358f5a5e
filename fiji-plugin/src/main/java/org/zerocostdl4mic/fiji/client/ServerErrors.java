package org.zerocostdl4mic.fiji.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table from gRPC status codes to sentences for the user: what went wrong and what to do. */
public final class ServerErrors {
    private static final String SERVER_COMMAND = "Plugins > ZeroCostDL4Mic > Server...";

    private ServerErrors() {
    }

    /** A user-facing failure for a failed call to the server at {@code address}. */
    public static UserFacingException describe(StatusRuntimeException e, ServerAddress address) {
        return new UserFacingException(sentence(e.getStatus(), violations(e), address), e);
    }

    static String sentence(Status status, List<String> violations, ServerAddress address) {
        String server = "the ZeroCostDL4Mic server at " + address;
        String detail = detail(status);
        switch (status.getCode()) {
            case UNAVAILABLE:
                return "Cannot reach " + server + (detail.isEmpty() ? "" : " (" + detail + ")")
                        + ": start the server, or correct its address in " + SERVER_COMMAND;
            case UNAUTHENTICATED:
                return capitalize(server) + " refused the access token: enter the right token in " + SERVER_COMMAND;
            case PERMISSION_DENIED:
                return capitalize(server) + " does not allow this with the current access token"
                        + (detail.isEmpty() ? "" : " (" + detail + ")") + ": ask the server's administrator for a token that does.";
            case NOT_FOUND:
                return capitalize(orDefault(detail, "something the command refers to does not exist"))
                        + " on the server: pick a model from the server's list (Predict...) or a job from Jobs...";
            case INVALID_ARGUMENT: {
                StringBuilder s = new StringBuilder("The server rejected the request: ");
                s.append(orDefault(detail, "invalid input"));
                List<String> unsaid = new ArrayList<>(); // the server's message often lists them already
                for (String v : violations)
                    if (!detail.contains(v))
                        unsaid.add(v);
                if (!unsaid.isEmpty())
                    s.append(" (").append(String.join("; ", unsaid)).append(')');
                return s.append(". Correct the named option or image and run the command again.").toString();
            }
            case FAILED_PRECONDITION:
                return capitalize(orDefault(detail, "the server cannot do this now"))
                        + ": check the model or job state with Plugins > ZeroCostDL4Mic > Jobs... and try again when it is ready.";
            case RESOURCE_EXHAUSTED:
                return capitalize(orDefault(detail, "the server ran out of room"))
                        + ": use a smaller image or tile size, or wait for running jobs to finish.";
            case DEADLINE_EXCEEDED:
                return capitalize(server) + " did not answer in time: it may be busy; try again in a moment.";
            case CANCELLED:
                return "The request was cancelled" + (detail.isEmpty() ? "" : " (" + detail + ")") + ".";
            case UNIMPLEMENTED:
                return capitalize(server) + " does not offer this command" + (detail.isEmpty() ? "" : " (" + detail + ")")
                        + ": update the server to match the plugin.";
            default:
                return capitalize(server) + " failed: " + orDefault(detail, status.getCode().toString())
                        + ". See the server's log for details.";
        }
    }

    /** The field violations ("field: description") of a google.rpc.BadRequest detail, if the server sent one. */
    static List<String> violations(StatusRuntimeException e) {
        List<String> result = new ArrayList<>();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null)
            return result;
        for (Any any : status.getDetailsList()) {
            if (!any.is(BadRequest.class))
                continue;
            try {
                for (BadRequest.FieldViolation v : any.unpack(BadRequest.class).getFieldViolationsList()) {
                    if (v.getField().isEmpty())
                        result.add(v.getDescription());
                    else
                        result.add(v.getField() + ": " + v.getDescription());
                }
            } catch (InvalidProtocolBufferException ignored) {
                // A damaged detail only loses the field names; the status message still says what failed.
            }
        }
        return result;
    }

    private static String detail(Status status) {
        String d = status.getDescription();
        if (d == null && status.getCause() != null)
            d = status.getCause().getMessage();
        if (d == null)
            return "";
        d = d.trim();
        while (d.endsWith("."))
            d = d.substring(0, d.length() - 1);
        return d;
    }

    private static String orDefault(String s, String fallback) {
        return s.isEmpty() ? fallback : s;
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
