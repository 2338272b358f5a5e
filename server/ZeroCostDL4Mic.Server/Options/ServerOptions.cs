using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ZeroCostDL4Mic.Server.Options;

/// <summary>Network and size limits of the gRPC host, bound from the "Server" configuration section.</summary>
public sealed class ServerOptions : IValidatableObject
{
    public const string Section = "Server";

    /// <summary>TCP port; 0 picks a free one (see ServerHost.BoundAddress).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5178;

    /// <summary>
    /// Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (the LAN), localhost or any IP. Anything but
    /// loopback without Auth users logs a warning at start: the server would be open to everyone who can reach it.
    /// </summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Largest image accepted in an upload or prediction request, in bytes of its declared dtype.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxImageBytes { get; set; } = 1L << 30;

    /// <summary>Largest single gRPC message either way; images above it travel as chunks.</summary>
    [Range(64 * 1024, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 8 << 20;

    /// <summary>Size of the chunks the server streams (images, files).</summary>
    [Range(1024, int.MaxValue)]
    public int ChunkBytes { get; set; } = 1 << 20;

    /// <summary>
    /// TLS certificate (PEM with <see cref="TlsKey"/>, or a PKCS#12 .pfx/.p12 with <see cref="TlsPassword"/>); empty
    /// serves plain HTTP/2. With TLS, access tokens and images no longer cross the LAN in clear text.
    /// </summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>PEM private key of a PEM <see cref="TlsCertificate"/>.</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>Password of a PKCS#12 <see cref="TlsCertificate"/> (or of an encrypted PEM key).</summary>
    public string TlsPassword { get; set; } = "";

    public bool UsesTls => TlsCertificate.Length > 0;

    /// <summary>Room for the fields around a chunk's bytes inside one message.</summary>
    internal const int ChunkEnvelopeBytes = 4096;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsValidHost(Host))
            yield return new ValidationResult($"Server:Host '{Host}' is not an IP address or 'localhost'", [nameof(Host)]);
        if (TlsKey.Length > 0 && TlsCertificate.Length == 0)
            yield return new ValidationResult("Server:TlsKey is set but Server:TlsCertificate is not", [nameof(TlsKey)]);
        foreach (var (name, path) in new[] { (nameof(TlsCertificate), TlsCertificate), (nameof(TlsKey), TlsKey) })
            if (path.Length > 0 && !File.Exists(path))
                yield return new ValidationResult($"Server:{name} '{path}' does not exist", [name]);
        if ((long)ChunkBytes + ChunkEnvelopeBytes > MaxMessageBytes)
            yield return new ValidationResult(
                $"Server:ChunkBytes ({ChunkBytes}) must be at least {ChunkEnvelopeBytes} bytes below Server:MaxMessageBytes ({MaxMessageBytes})",
                [nameof(ChunkBytes), nameof(MaxMessageBytes)]);
    }

    /// <summary>True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost).</summary>
    internal static bool IsLoopback(string? host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    internal static bool IsValidHost(string? host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out _);
}
