package org.zerocostdl4mic.fiji.testing;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.zerocostdl4mic.protos.v1.*;

/**
 * A stand-in for the C# server, on a real Netty HTTP/2 port on 127.0.0.1, with just enough behaviour to drive
 * every plugin command: two ready models ("denoiser" restores, "nuclei" segments), care-2d and stardist-2d
 * schemas, datasets that count complete samples, jobs that report progress, and QC artefacts to download.
 */
public final class FakeServer implements AutoCloseable {
    public static final String DENOISER = "m-denoise";
    public static final String NUCLEI = "m-nuclei";
    public static final String GHOST = "m-ghost"; // listed but gone when used
    private static final int CHUNK = 1001; // odd on purpose: elements cross chunk boundaries

    public final List<SubmitTrainingRequest> trainings = Collections.synchronizedList(new ArrayList<>());
    public final List<SubmitQualityControlRequest> qualityControls = Collections.synchronizedList(new ArrayList<>());
    public final List<SampleHeader> uploadedSamples = Collections.synchronizedList(new ArrayList<>());
    public final List<ImageHeader> predictedInputs = Collections.synchronizedList(new ArrayList<>());
    public final List<PredictHeader> predictHeaders = Collections.synchronizedList(new ArrayList<>());
    public final List<ExportModelRequest> exports = Collections.synchronizedList(new ArrayList<>());
    public final List<String> cancelledJobs = Collections.synchronizedList(new ArrayList<>());
    /** The owner the fake gives every training job, as a server with tokens would name its caller. */
    public static final String JOB_OWNER = "alice";
    public final List<ListJobsRequest> jobListings = Collections.synchronizedList(new ArrayList<>());
    /** When set, calls must carry "authorization: Bearer <token>". */
    public volatile String requiredToken;
    /** When true, training jobs run until cancelled. */
    public volatile boolean endlessTraining;
    public volatile boolean trainingWatched;
    /** When true, a prediction sends its first result image (and the objects) and then nothing until cancelled. */
    public volatile boolean stallPredictions;
    public volatile boolean predictionStalled;
    /** Prediction calls the client cancelled. */
    public final AtomicInteger cancelledPredictions = new AtomicInteger();

    private final List<Model> models = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, DatasetKind> datasets = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Server server;

    private FakeServer() throws IOException {
        models.add(model(DENOISER, "denoiser", "care-2d", 100));
        models.add(model(NUCLEI, "nuclei", "stardist-2d", 200));
        models.add(model(GHOST, "ghost", "care-2d", 50));
        files.put("qc/ssim_map_a.tif", tiff());
        files.put("training_loss.png", png());
        files.put("config.json", "{}".getBytes("UTF-8"));
        ServerInterceptor token = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String required = requiredToken;
                String given = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                if (required != null && !("Bearer " + required).equals(given)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("invalid token"), new Metadata());
                    return new ServerCall.Listener<Q>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(8 << 20)
                .addService(ServerInterceptors.intercept(new Info(), token))
                .addService(ServerInterceptors.intercept(new Networks(), token))
                .addService(ServerInterceptors.intercept(new Models(), token))
                .addService(ServerInterceptors.intercept(new Datasets(), token))
                .addService(ServerInterceptors.intercept(new Jobs(), token))
                .addService(ServerInterceptors.intercept(new Inference(), token))
                .build()
                .start();
    }

    public static FakeServer start() throws IOException {
        return new FakeServer();
    }

    public String address() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public List<Model> models() {
        return new ArrayList<>(models);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Model model(String id, String name, String network, long created) {
        return Model.newBuilder().setId(id).setName(name).setNetwork(network).setReady(true)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(created))
                .addFiles(FileInfo.newBuilder().setName("training_loss.png"))
                .addFiles(FileInfo.newBuilder().setName("config.json"))
                .build();
    }

    private String nextId(String prefix) {
        return prefix + "-" + ids.incrementAndGet();
    }

    final class Info extends ServerInfoGrpc.ServerInfoImplBase {
        @Override
        public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
            response.onNext(GetServerInfoResponse.newBuilder().setVersion("fake-1.0").setDevice("cpu")
                    .setMaxImageBytes(1L << 30).setMaxConcurrentTrainings(1).build());
            response.onCompleted();
        }
    }

    static ParameterSpec spec(String name, ParameterType type, String value, String group) {
        return ParameterSpec.newBuilder().setName(name).setType(type).setDefaultValue(value).setGroup(group)
                .setMin(1).setMax(1000).setDescription("the " + name.replace('_', ' ')).build();
    }

    final class Networks extends NetworksGrpc.NetworksImplBase {
        @Override
        public void listNetworks(ListNetworksRequest request, StreamObserver<ListNetworksResponse> response) {
            NetworkInfo care = NetworkInfo.newBuilder().setKey("care-2d").setDisplayName("CARE 2D")
                    .setDescription("Content-aware image restoration").setDatasetKind(DatasetKind.DATASET_KIND_PAIRED)
                    .addParameters(spec("epochs", ParameterType.PARAMETER_TYPE_INT, "100", "main"))
                    .addParameters(spec("steps_per_epoch", ParameterType.PARAMETER_TYPE_INT, "100", "main"))
                    .addParameters(spec("batch_size", ParameterType.PARAMETER_TYPE_INT, "16", "main"))
                    .addParameters(spec("patch_size", ParameterType.PARAMETER_TYPE_INT, "64", "main"))
                    .addParameters(spec("unet_depth", ParameterType.PARAMETER_TYPE_INT, "2", "advanced"))
                    .addParameters(spec("unet_base_filters", ParameterType.PARAMETER_TYPE_INT, "32", "advanced"))
                    .addParameters(spec("learning_rate", ParameterType.PARAMETER_TYPE_FLOAT, "0.0004", "advanced"))
                    .addParameters(spec("augment", ParameterType.PARAMETER_TYPE_BOOL, "true", "augmentation"))
                    .addParameters(ParameterSpec.newBuilder().setName("loss").setType(ParameterType.PARAMETER_TYPE_CHOICE)
                            .setDefaultValue("mae").addChoices("mse").addChoices("mae").setGroup("advanced"))
                    .addOutputs("restored").build();
            NetworkInfo stardist = NetworkInfo.newBuilder().setKey("stardist-2d").setDisplayName("StarDist 2D")
                    .setDatasetKind(DatasetKind.DATASET_KIND_MASKS)
                    .addParameters(spec("epochs", ParameterType.PARAMETER_TYPE_INT, "400", "main"))
                    .addOutputs("labels").addOutputs("probability").build();
            response.onNext(ListNetworksResponse.newBuilder().addNetworks(care).addNetworks(stardist).build());
            response.onCompleted();
        }
    }

    final class Models extends ModelsGrpc.ModelsImplBase {
        @Override
        public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
            response.onNext(ListModelsResponse.newBuilder().addAllModels(models()).build());
            response.onCompleted();
        }

        @Override
        public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
            for (Model m : models()) {
                if (m.getId().equals(request.getModelId())) {
                    response.onNext(GetModelResponse.newBuilder().setModel(m).build());
                    response.onCompleted();
                    return;
                }
            }
            response.onError(Status.NOT_FOUND.withDescription("model '" + request.getModelId() + "' was not found").asRuntimeException());
        }

        @Override
        public void downloadModelFile(DownloadModelFileRequest request, StreamObserver<FileChunk> response) {
            byte[] bytes = files.get(request.getFileName());
            if (bytes == null) {
                response.onError(Status.NOT_FOUND.withDescription("file '" + request.getFileName() + "' was not found").asRuntimeException());
                return;
            }
            for (int offset = 0; offset < bytes.length; offset += CHUNK) {
                int n = Math.min(CHUNK, bytes.length - offset);
                response.onNext(FileChunk.newBuilder().setName(request.getFileName()).setOffset(offset)
                        .setData(ByteString.copyFrom(bytes, offset, n)).setTotalSize(bytes.length).build());
            }
            response.onCompleted();
        }

        @Override
        public void exportModel(ExportModelRequest request, StreamObserver<FileChunk> response) {
            exports.add(request);
            Model model = null;
            for (Model m : models())
                if (m.getId().equals(request.getModelId()) && !m.getId().equals(GHOST))
                    model = m;
            if (model == null) {
                response.onError(Status.NOT_FOUND.withDescription("model '" + request.getModelId() + "' was not found").asRuntimeException());
                return;
            }
            boolean onnx = request.getFormat() == ExportFormat.EXPORT_FORMAT_ONNX;
            if (onnx && model.getNetwork().startsWith("stardist")) {
                response.onError(Status.FAILED_PRECONDITION.withDescription("model '" + model.getName()
                        + "' (stardist-2d) cannot be exported as ONNX alone: its polygons need the bioimage.io package").asRuntimeException());
                return;
            }
            String name = model.getName() + (onnx ? ".onnx" : ".bioimage.io.zip");
            byte[] bytes = exportBytes(model.getId(), request.getFormat());
            for (int offset = 0; offset < bytes.length; offset += CHUNK) {
                int n = Math.min(CHUNK, bytes.length - offset);
                response.onNext(FileChunk.newBuilder().setName(offset == 0 ? name : "").setOffset(offset)
                        .setData(ByteString.copyFrom(bytes, offset, n)).setTotalSize(bytes.length).build());
            }
            response.onCompleted();
        }
    }

    /** The bytes the fake export of a model sends: deterministic, several chunks long. */
    public static byte[] exportBytes(String modelId, ExportFormat format) {
        byte[] bytes = new byte[3 * CHUNK + 17];
        for (int i = 0; i < bytes.length; i++)
            bytes[i] = (byte) (i * 31 + modelId.length() + format.getNumber());
        return bytes;
    }

    final class Datasets extends DatasetsGrpc.DatasetsImplBase {
        @Override
        public void createDataset(CreateDatasetRequest request, StreamObserver<CreateDatasetResponse> response) {
            String id = nextId("ds");
            datasets.put(id, request.getKind());
            response.onNext(CreateDatasetResponse.newBuilder().setDataset(Dataset.newBuilder().setId(id)
                    .setName(request.getName()).setKind(request.getKind())).build());
            response.onCompleted();
        }

        @Override
        public StreamObserver<UploadSamplesRequest> uploadSamples(StreamObserver<UploadSamplesResponse> response) {
            return new StreamObserver<UploadSamplesRequest>() {
                String datasetId;
                final Map<String, List<SampleRole>> roles = new LinkedHashMap<>();
                long expected, received;
                int files;

                @Override
                public void onNext(UploadSamplesRequest r) {
                    switch (r.getPartCase()) {
                        case DATASET_ID:
                            datasetId = r.getDatasetId();
                            break;
                        case SAMPLE:
                            if (received != expected)
                                throw Status.INVALID_ARGUMENT.withDescription("previous file incomplete").asRuntimeException();
                            uploadedSamples.add(r.getSample());
                            roles.computeIfAbsent(r.getSample().getImage().getName(), k -> new ArrayList<>()).add(r.getSample().getRole());
                            expected = r.getSample().getImage().getByteCount();
                            received = 0;
                            files++;
                            break;
                        default:
                            if (r.getChunk().getOffset() != received)
                                throw Status.INVALID_ARGUMENT.withDescription("chunk out of order").asRuntimeException();
                            received += r.getChunk().getData().size();
                            break;
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    DatasetKind kind = datasets.get(datasetId);
                    int complete = 0;
                    for (List<SampleRole> r : roles.values())
                        if (kind == DatasetKind.DATASET_KIND_IMAGES || (r.contains(SampleRole.SAMPLE_ROLE_SOURCE) && r.contains(SampleRole.SAMPLE_ROLE_TARGET)))
                            complete++;
                    response.onNext(UploadSamplesResponse.newBuilder().setFilesReceived(files).setFilesStored(files)
                            .setDataset(Dataset.newBuilder().setId(datasetId).setKind(kind).setSampleCount(complete)).build());
                    response.onCompleted();
                }
            };
        }
    }

    final class Jobs extends JobsGrpc.JobsImplBase {
        @Override
        public void submitTraining(SubmitTrainingRequest request, StreamObserver<SubmitJobResponse> response) {
            for (ParameterValue p : request.getParametersList()) {
                if (p.getName().equals("epochs") && p.getValue().equals("0")) {
                    com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                            .setMessage("invalid training parameters")
                            .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                                    .setField("parameters.epochs").setDescription("must be between 1 and 1000")).build()))
                            .build();
                    response.onError(StatusProto.toStatusRuntimeException(status));
                    return;
                }
            }
            trainings.add(request);
            Job job = Job.newBuilder().setId(nextId("job")).setOwner(JOB_OWNER).setKind(JobKind.JOB_KIND_TRAINING).setState(JobState.JOB_STATE_QUEUED)
                    .setNetwork(request.getNetwork()).setDatasetId(request.getDatasetId()).setModelId(nextId("model"))
                    .setEpochs(2).setCreatedAt(Timestamp.newBuilder().setSeconds(1700000000)).build();
            jobs.put(job.getId(), job);
            response.onNext(SubmitJobResponse.newBuilder().setJob(job).build());
            response.onCompleted();
        }

        @Override
        public void submitQualityControl(SubmitQualityControlRequest request, StreamObserver<SubmitJobResponse> response) {
            qualityControls.add(request);
            Job job = Job.newBuilder().setId(nextId("job")).setKind(JobKind.JOB_KIND_QUALITY_CONTROL)
                    .setState(JobState.JOB_STATE_QUEUED).setModelId(request.getModelId()).setDatasetId(request.getDatasetId()).build();
            jobs.put(job.getId(), job);
            response.onNext(SubmitJobResponse.newBuilder().setJob(job).build());
            response.onCompleted();
        }

        @Override
        public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
            Job job = jobs.get(request.getJobId());
            if (job == null) {
                response.onError(Status.NOT_FOUND.withDescription("job '" + request.getJobId() + "' was not found").asRuntimeException());
                return;
            }
            new Thread(() -> run(job, response), "fake-job").start();
        }

        private void run(Job job, StreamObserver<JobEvent> response) {
            long[] sequence = {0};
            java.util.function.Consumer<JobEvent.Builder> send = e -> response.onNext(e.setJobId(job.getId()).setSequence(++sequence[0]).build());
            send.accept(JobEvent.newBuilder().setState(JobState.JOB_STATE_RUNNING));
            jobs.put(job.getId(), job.toBuilder().setState(JobState.JOB_STATE_RUNNING).build());
            if (job.getKind() == JobKind.JOB_KIND_TRAINING) {
                trainingWatched = true;
                for (int epoch = 1; epoch <= 2 || endlessTraining; epoch++) {
                    if (cancelledJobs.contains(job.getId())) {
                        finish(job, JobState.JOB_STATE_CANCELLED, send, response);
                        return;
                    }
                    for (int step = 1; step <= 2; step++)
                        send.accept(JobEvent.newBuilder().setProgress(JobProgress.newBuilder().setEpoch(epoch).setEpochs(2)
                                .setStep(step).setSteps(2).setLoss(1.0 / epoch).setEta(Duration.newBuilder().setSeconds(5))));
                    send.accept(JobEvent.newBuilder().setEpoch(EpochMetrics.newBuilder().setEpoch(epoch).setLoss(1.0 / epoch)
                            .setValLoss(1.5 / epoch).setBest(true)));
                    if (endlessTraining)
                        sleep(50);
                }
                SubmitTrainingRequest request = trainings.get(trainings.size() - 1);
                models.add(model(job.getModelId(), request.getModelName(), request.getNetwork(), 1000 + ids.get()));
                send.accept(JobEvent.newBuilder().setResult(JobResult.newBuilder().setModelId(job.getModelId())));
            } else {
                QcReport qc = QcReport.newBuilder()
                        .addImages(QcImageResult.newBuilder().setImage("a.tif")
                                .addMetrics(QcMetric.newBuilder().setName("prediction_ssim").setValue(0.9))
                                .addMetrics(QcMetric.newBuilder().setName("input_ssim").setValue(0.5)))
                        .addImages(QcImageResult.newBuilder().setImage("b.tif")
                                .addMetrics(QcMetric.newBuilder().setName("prediction_ssim").setValue(0.7))
                                .addMetrics(QcMetric.newBuilder().setName("input_ssim").setValue(0.3)))
                        .addSummary(QcMetric.newBuilder().setName("prediction_ssim").setValue(0.8))
                        .addSummary(QcMetric.newBuilder().setName("input_ssim").setValue(0.4))
                        .build();
                send.accept(JobEvent.newBuilder().setResult(JobResult.newBuilder().setModelId(job.getModelId()).setQc(qc)
                        .addFiles(FileInfo.newBuilder().setName("qc/ssim_map_a.tif"))
                        .addFiles(FileInfo.newBuilder().setName("training_loss.png"))
                        .addFiles(FileInfo.newBuilder().setName("config.json"))));
            }
            finish(job, JobState.JOB_STATE_SUCCEEDED, send, response);
        }

        private void finish(Job job, JobState state, java.util.function.Consumer<JobEvent.Builder> send, StreamObserver<JobEvent> response) {
            jobs.put(job.getId(), job.toBuilder().setState(state).build());
            send.accept(JobEvent.newBuilder().setState(state));
            response.onCompleted();
        }

        @Override
        public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobResponse> response) {
            Job job = jobs.get(request.getJobId());
            if (job == null) {
                response.onError(Status.NOT_FOUND.withDescription("job '" + request.getJobId() + "' was not found").asRuntimeException());
                return;
            }
            cancelledJobs.add(job.getId());
            response.onNext(CancelJobResponse.newBuilder().setJob(job).build());
            response.onCompleted();
        }

        @Override
        public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
            jobListings.add(request);
            response.onNext(ListJobsResponse.newBuilder().addAllJobs(new ArrayList<>(jobs.values())).build());
            response.onCompleted();
        }
    }

    /** Restores (float32 input + 1) for the denoiser; labels (uint16 copy) and probability for nuclei. */
    final class Inference extends InferenceGrpc.InferenceImplBase {
        @Override
        public StreamObserver<PredictRequest> predict(StreamObserver<PredictResponse> response) {
            // The client half-closes before it reads the results, so a cancel is only seen here, not in onError.
            ((ServerCallStreamObserver<PredictResponse>) response).setOnCancelHandler(cancelledPredictions::incrementAndGet);
            return new StreamObserver<PredictRequest>() {
                PredictHeader header;
                ImageHeader image;
                ByteArrayOutputStream bytes;
                boolean failed;
                boolean stalled;

                @Override
                public void onNext(PredictRequest r) {
                    if (failed)
                        return;
                    switch (r.getPartCase()) {
                        case HEADER:
                            header = r.getHeader();
                            predictHeaders.add(header);
                            if (header.getModelId().equals(GHOST)) {
                                failed = true;
                                response.onError(Status.NOT_FOUND.withDescription("model '" + GHOST + "' was not found").asRuntimeException());
                            }
                            break;
                        case IMAGE:
                            image = r.getImage();
                            predictedInputs.add(image);
                            bytes = new ByteArrayOutputStream();
                            break;
                        default:
                            if (r.getChunk().getOffset() != bytes.size()) {
                                failed = true;
                                response.onError(Status.INVALID_ARGUMENT.withDescription("chunk out of order").asRuntimeException());
                                return;
                            }
                            writeTo(r.getChunk().getData(), bytes);
                            if (bytes.size() == image.getByteCount())
                                answer();
                            break;
                    }
                }

                private void writeTo(ByteString data, ByteArrayOutputStream out) {
                    try {
                        data.writeTo(out);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                private void answer() {
                    double[] values = decode(image, bytes.toByteArray());
                    response.onNext(PredictResponse.newBuilder().setProgress(PredictProgress.newBuilder()
                            .setInputName(image.getName()).setTilesDone(1).setTilesTotal(1)).build());
                    if (header.getModelId().equals(NUCLEI)) {
                        send(OutputKind.OUTPUT_KIND_LABELS, DType.D_TYPE_UINT16, values, 0);
                        sendObjects();
                        if (stallPredictions) {
                            stalled = true;
                            predictionStalled = true;
                            return;
                        }
                        send(OutputKind.OUTPUT_KIND_PROBABILITY, DType.D_TYPE_FLOAT32, new double[values.length], 0.5);
                    } else {
                        send(OutputKind.OUTPUT_KIND_RESTORED, DType.D_TYPE_FLOAT32, values, 1);
                    }
                }

                /**
                 * Frame f (from 0) has f + 2 objects, label k a 4x4 square polygon centred on (y, x) = (4 + 6 (k - 1), 3 + f),
                 * the first frame in two messages; then a part this plugin does not know (an unknown field).
                 */
                private void sendObjects() {
                    int planes = 1;
                    for (int a = 0; a < image.getShapeCount() - 2; a++)
                        planes *= (int) image.getShape(a);
                    for (int f = 0; f < planes; f++) {
                        int count = f + 2;
                        for (int k = 1; k <= count; ) {
                            DetectedObjects.Builder part = DetectedObjects.newBuilder().setInputName(image.getName()).setFrame(f)
                                    .setFrameCount(planes).setFrameObjectCount(count);
                            int end = f == 0 ? k : count; // frame 0: one object per message
                            for (; k <= end; k++) {
                                float cy = 4 + 6 * (k - 1), cx = 3 + f;
                                part.addObjects(DetectedObject.newBuilder().setLabel(k).setCentroidY(cy).setCentroidX(cx)
                                        .setArea(16).setProbability(0.5f + 0.1f * k)
                                        .addPolygonY(cy - 2).addPolygonY(cy - 2).addPolygonY(cy + 2).addPolygonY(cy + 2)
                                        .addPolygonX(cx - 2).addPolygonX(cx + 2).addPolygonX(cx + 2).addPolygonX(cx - 2));
                            }
                            response.onNext(PredictResponse.newBuilder().setObjects(part).build());
                        }
                    }
                    response.onNext(PredictResponse.newBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                            .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build()).build());
                }

                private void send(OutputKind kind, DType dtype, double[] values, double add) {
                    int size = dtype == DType.D_TYPE_UINT16 ? 2 : 4;
                    ByteBuffer out = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
                    for (double v : values) {
                        if (dtype == DType.D_TYPE_UINT16)
                            out.putShort((short) Math.min(65535, Math.round(v + add)));
                        else
                            out.putFloat((float) (v + add));
                    }
                    ImageHeader h = image.toBuilder().setName(image.getName() + "_" + kind).setDtype(dtype)
                            .setByteCount(out.capacity()).build();
                    response.onNext(PredictResponse.newBuilder().setOutput(OutputHeader.newBuilder()
                            .setInputName(image.getName()).setKind(kind).setImage(h)).build());
                    byte[] all = out.array();
                    for (int offset = 0; offset < all.length; offset += CHUNK)
                        response.onNext(PredictResponse.newBuilder().setChunk(ImageChunk.newBuilder().setOffset(offset)
                                .setData(ByteString.copyFrom(all, offset, Math.min(CHUNK, all.length - offset)))).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    if (!failed && !stalled)
                        response.onCompleted();
                }
            };
        }
    }

    static double[] decode(ImageHeader header, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int size = header.getDtype() == DType.D_TYPE_UINT8 ? 1 : header.getDtype() == DType.D_TYPE_UINT16 ? 2 : 4;
        double[] values = new double[bytes.length / size];
        for (int i = 0; i < values.length; i++) {
            switch (header.getDtype()) {
                case D_TYPE_UINT8:
                    values[i] = in.get() & 0xff;
                    break;
                case D_TYPE_UINT16:
                    values[i] = in.getShort() & 0xffff;
                    break;
                default:
                    values[i] = in.getFloat();
                    break;
            }
        }
        return values;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] tiff() {
        FloatProcessor ip = new FloatProcessor(8, 8);
        for (int i = 0; i < 64; i++)
            ip.setf(i, i / 64f);
        return new FileSaver(new ImagePlus("ssim_map_a", ip)).serialize();
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
