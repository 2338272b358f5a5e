using System.Runtime.CompilerServices;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>Reads a Predict stream: a PredictHeader first, then each input as an ImageHeader and its chunks.</summary>
public sealed class PredictRequestReader(IAsyncStreamReader<PredictRequest> requests, long maxImageBytes)
{
    public async Task<PredictHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken) || requests.Current.PartCase != PredictRequest.PartOneofCase.Header)
            throw new InvalidInputException("header", "the first message must be the prediction header");
        if (string.IsNullOrEmpty(requests.Current.Header.ModelId))
            throw new InvalidInputException("header.model_id", "model id is empty");
        return requests.Current.Header;
    }

    /// <summary>Yields each input image as soon as its last chunk arrived; unnamed inputs are called image_1, image_2, ...</summary>
    public async IAsyncEnumerable<(string Name, ImageData Image)> ReadImagesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var images = new ImageSequence<int>(maxImageBytes);
        int count = 0;
        while (await requests.MoveNext(cancellationToken))
        {
            var message = requests.Current;
            switch (message.PartCase)
            {
                case PredictRequest.PartOneofCase.Image:
                    count++;
                    images.Start(message.Image, count, "image");
                    break;
                case PredictRequest.PartOneofCase.Chunk:
                    if (images.Append(message.Chunk) is { } done)
                        yield return (string.IsNullOrEmpty(done.Name) ? $"image_{done.Tag}" : done.Name, done.Image);
                    break;
                case PredictRequest.PartOneofCase.Header:
                    throw new InvalidInputException("header", "only the first message may be the prediction header");
                default:
                    throw new InvalidInputException("part", "empty message in the prediction stream");
            }
        }
        images.EnsureNoneOpen();
    }
}
