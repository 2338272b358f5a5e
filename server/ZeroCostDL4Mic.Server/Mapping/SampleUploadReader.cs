using System.Runtime.CompilerServices;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using Api = ZeroCostDL4Mic.Engine.Api;

namespace ZeroCostDL4Mic.Server.Mapping;

public sealed record UploadedSample(Api.SampleRole Role, string Name, ImageData Image);

/// <summary>Reads an UploadSamples stream: the dataset id first, then each file as a SampleHeader and its chunks.</summary>
public sealed class SampleUploadReader(IAsyncStreamReader<UploadSamplesRequest> requests, long maxImageBytes)
{
    public async Task<string> ReadDatasetIdAsync(CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken) || requests.Current.PartCase != UploadSamplesRequest.PartOneofCase.DatasetId)
            throw new InvalidInputException("dataset_id", "the first message must carry the dataset id");
        if (string.IsNullOrEmpty(requests.Current.DatasetId))
            throw new InvalidInputException("dataset_id", "dataset id is empty");
        return requests.Current.DatasetId;
    }

    /// <summary>Yields each file as soon as its last chunk arrived.</summary>
    public async IAsyncEnumerable<UploadedSample> ReadSamplesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var images = new ImageSequence<Api.SampleRole>(maxImageBytes);
        while (await requests.MoveNext(cancellationToken))
        {
            var message = requests.Current;
            switch (message.PartCase)
            {
                case UploadSamplesRequest.PartOneofCase.Sample:
                    var header = message.Sample.Image
                        ?? throw new InvalidInputException("sample.image", "sample header has no image header");
                    if (string.IsNullOrEmpty(header.Name))
                        throw new InvalidInputException("sample.image.name", "sample name is empty");
                    images.Start(header, message.Sample.Role.ToDomain("sample.role"), "sample.image");
                    break;
                case UploadSamplesRequest.PartOneofCase.Chunk:
                    if (images.Append(message.Chunk) is { } done)
                        yield return new UploadedSample(done.Tag, done.Name, done.Image);
                    break;
                case UploadSamplesRequest.PartOneofCase.DatasetId:
                    throw new InvalidInputException("dataset_id", "only the first message may carry the dataset id");
                default:
                    throw new InvalidInputException("part", "empty message in the upload stream");
            }
        }
        images.EnsureNoneOpen();
    }
}
