package org.zerocostdl4mic.fiji.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.Test;

public class ServerErrorsTest {
    private static final ServerAddress ADDRESS = ServerAddress.parse("http://127.0.0.1:5178");

    private static String sentence(Status status) {
        return ServerErrors.describe(status.asRuntimeException(), ADDRESS).getMessage();
    }

    @Test
    public void serverDownSaysWhereAndWhatToDo() {
        String s = sentence(Status.UNAVAILABLE.withDescription("io exception"));
        assertTrue(s, s.startsWith("Cannot reach the ZeroCostDL4Mic server at http://127.0.0.1:5178"));
        assertTrue(s, s.contains("start the server"));
        assertTrue(s, s.contains("Plugins > ZeroCostDL4Mic > Server..."));
    }

    @Test
    public void badTokenPointsToTheServerCommand() {
        String s = sentence(Status.UNAUTHENTICATED.withDescription("bad token"));
        assertTrue(s, s.contains("refused the access token"));
        assertTrue(s, s.contains("Server..."));
    }

    @Test
    public void notFoundCarriesTheServersWords() {
        String s = sentence(Status.NOT_FOUND.withDescription("model 'abc' was not found."));
        assertTrue(s, s.startsWith("Model 'abc' was not found on the server"));
    }

    @Test
    public void everyCodeGivesOneSentenceWithAdvice() {
        for (Status.Code code : Status.Code.values()) {
            if (code == Status.Code.OK)
                continue;
            String s = sentence(Status.fromCode(code).withDescription("detail"));
            assertTrue(code + ": " + s, s.length() > 20);
            assertTrue(code + ": " + s, s.endsWith(".") || s.endsWith("..."));
            assertTrue(code + ": " + s, Character.isUpperCase(s.charAt(0)));
        }
    }

    @Test
    public void fieldViolationsAreNamed() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage("invalid training parameters")
                .addDetails(Any.pack(BadRequest.newBuilder()
                        .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("parameters.epochs").setDescription("must be between 1 and 1000"))
                        .build()))
                .build();
        StatusRuntimeException e = StatusProto.toStatusRuntimeException(status);
        String s = ServerErrors.describe(e, ADDRESS).getMessage();
        assertEquals("The server rejected the request: invalid training parameters (parameters.epochs: must be between 1 and 1000). "
                + "Correct the named option or image and run the command again.", s);
    }

    @Test
    public void violationsTheMessageAlreadyListsAreNotRepeated() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage("invalid parameters: epochs: 0 is out of range [1, 100000]")
                .addDetails(Any.pack(BadRequest.newBuilder()
                        .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("epochs").setDescription("0 is out of range [1, 100000]"))
                        .build()))
                .build();
        String s = ServerErrors.describe(StatusProto.toStatusRuntimeException(status), ADDRESS).getMessage();
        assertEquals("The server rejected the request: invalid parameters: epochs: 0 is out of range [1, 100000]. "
                + "Correct the named option or image and run the command again.", s);
    }
}
