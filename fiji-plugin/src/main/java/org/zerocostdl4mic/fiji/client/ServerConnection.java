package org.zerocostdl4mic.fiji.client;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.protos.v1.DatasetsGrpc;
import org.zerocostdl4mic.protos.v1.InferenceGrpc;
import org.zerocostdl4mic.protos.v1.JobsGrpc;
import org.zerocostdl4mic.protos.v1.ModelsGrpc;
import org.zerocostdl4mic.protos.v1.NetworksGrpc;
import org.zerocostdl4mic.protos.v1.ServerInfoGrpc;

/**
 * One channel to the server and the stubs of its services. Request/response calls get a deadline; streams have
 * none (the user cancels them with Esc). The access token, when set, travels as "authorization: Bearer ...".
 */
public final class ServerConnection implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ServerAddress address;
    private final ManagedChannel channel;

    private ServerConnection(ServerAddress address, ManagedChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    /** Opens a channel; nothing is sent until the first call, so a server that is down shows up there. */
    public static ServerConnection open(ServerSettings settings) {
        ServerAddress address = ServerAddress.parse(settings.address());
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port())
                .maxInboundMessageSize(Defaults.MAX_INBOUND_MESSAGE_BYTES);
        if (address.tls())
            builder.useTransportSecurity();
        else
            builder.usePlaintext();
        if (!settings.token().isEmpty()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + settings.token());
            ClientInterceptor token = MetadataUtils.newAttachHeadersInterceptor(headers);
            builder.intercept(token);
        }
        return new ServerConnection(address, builder.build());
    }

    public ServerAddress address() {
        return address;
    }

    /** Runs one call and turns a failed status into a sentence for the user. */
    public <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw ServerErrors.describe(e, address);
        }
    }

    public ServerInfoGrpc.ServerInfoBlockingStub serverInfo(long deadlineSeconds) {
        return ServerInfoGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    public NetworksGrpc.NetworksBlockingStub networks() {
        return NetworksGrpc.newBlockingStub(channel).withDeadlineAfter(Defaults.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public ModelsGrpc.ModelsBlockingStub models() {
        return models(Defaults.CALL_DEADLINE_SECONDS);
    }

    public ModelsGrpc.ModelsBlockingStub models(long deadlineSeconds) {
        return ModelsGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    public ModelsGrpc.ModelsStub modelsStreaming() {
        return ModelsGrpc.newStub(channel);
    }

    public JobsGrpc.JobsBlockingStub jobs() {
        return JobsGrpc.newBlockingStub(channel).withDeadlineAfter(Defaults.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public JobsGrpc.JobsStub jobsStreaming() {
        return JobsGrpc.newStub(channel);
    }

    public DatasetsGrpc.DatasetsBlockingStub datasets() {
        return DatasetsGrpc.newBlockingStub(channel).withDeadlineAfter(Defaults.CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public DatasetsGrpc.DatasetsStub datasetsStreaming() {
        return DatasetsGrpc.newStub(channel);
    }

    public InferenceGrpc.InferenceStub inference() {
        return InferenceGrpc.newStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
