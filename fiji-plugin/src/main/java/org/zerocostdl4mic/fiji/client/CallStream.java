package org.zerocostdl4mic.fiji.client;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.zerocostdl4mic.fiji.Defaults;

/**
 * A streaming call driven from the command's own thread: {@link #send} waits until the transport is ready
 * (so a large upload never piles up in memory), {@link #next} hands over responses one by one, and both watch the
 * cancel signal (Esc) and cancel the call when it fires.
 */
public final class CallStream<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private final Object readiness = new Object();
    private final ServerAddress address;
    private final CancelSignal cancel;
    private final String what;
    private volatile ClientCallStreamObserver<ReqT> requests;
    private volatile boolean finished;
    private volatile Throwable failure;

    /** @param what the work in the user's words ("Prediction"), used when it is cancelled */
    public CallStream(ServerAddress address, CancelSignal cancel, String what) {
        this.address = address;
        this.cancel = cancel;
        this.what = what;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
        requests = requestStream;
        requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(RespT value) {
        responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        finished = true;
        responses.add(new Failure(t));
        wake();
    }

    @Override
    public void onCompleted() {
        finished = true;
        responses.add(END);
        wake();
    }

    private void wake() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    /** Sends one request message once the transport can take it; does nothing once the server has ended the call. */
    public void send(ReqT message) {
        try {
            synchronized (readiness) {
                while (!requests.isReady() && !finished) {
                    checkCancel();
                    readiness.wait(Defaults.POLL_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelCall();
        }
        if (finished) {
            if (failure != null)
                throw translate(failure);
            return;
        }
        checkCancel();
        requests.onNext(message);
    }

    /** Tells the server that no more requests follow. */
    public void finishSending() {
        if (!finished)
            requests.onCompleted();
    }

    /** The next response, or null once the server has completed the call; a failed call throws a sentence. */
    @SuppressWarnings("unchecked")
    public RespT next() {
        while (true) {
            checkCancel();
            Object item;
            try {
                item = responses.poll(Defaults.POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelCall();
                throw new IllegalStateException(); // not reached: cancelCall throws
            }
            if (item == null)
                continue;
            if (item == END)
                return null;
            if (item instanceof Failure)
                throw translate(((Failure) item).cause);
            return (RespT) item;
        }
    }

    /** Cancels the call at once, e.g. when the response cannot be used. */
    public void abandon(String reason) {
        if (!finished && requests != null)
            requests.cancel(reason, null);
    }

    private void checkCancel() {
        if (cancel.cancelRequested())
            cancelCall();
    }

    private void cancelCall() {
        abandon("cancelled by the user");
        throw new CancelledByUser(what);
    }

    private RuntimeException translate(Throwable t) {
        if (t instanceof StatusRuntimeException)
            return ServerErrors.describe((StatusRuntimeException) t, address);
        if (t instanceof RuntimeException)
            return (RuntimeException) t;
        return new UserFacingException(what + " failed: " + t.getMessage(), t);
    }

    private static final class Failure {
        final Throwable cause;

        Failure(Throwable cause) {
            this.cause = cause;
        }
    }
}
