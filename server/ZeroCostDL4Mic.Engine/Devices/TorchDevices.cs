using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using TorchSharp;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Devices;

/// <summary>Chooses the torch device once: CUDA when asked for or available ("auto"), else the CPU.</summary>
public sealed class TorchDevices : IDeviceInfo
{
    readonly EngineOptions options;

    public TorchDevices(IOptions<EngineOptions> options)
    {
        this.options = options.Value;
        if (this.options.TorchThreads > 0) set_num_threads(this.options.TorchThreads);
        CudaAvailable = cuda.is_available();
        Device = this.options.Device.ToLowerInvariant() switch
        {
            "cpu" => CPU,
            "cuda" when !CudaAvailable => throw new InvalidOperationException("Engine:Device is 'cuda' but no CUDA device is available (is the CUDA build of TorchSharp installed?)"),
            "cuda" => CUDA,
            "auto" => CudaAvailable ? CUDA : CPU,
            var other => throw new InvalidOperationException($"Engine:Device '{other}' is not one of auto, cpu, cuda"),
        };
    }

    public Device Device { get; }
    public bool CudaAvailable { get; }

    public DeviceInfo Describe() => new(Device.type == DeviceType.CUDA ? "cuda:0" : "cpu", CudaAvailable, options.MaxConcurrentTrainings);
}
