using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZeroCostDL4Mic.Server.Options;

/// <summary>The server's TLS certificate from Server:TlsCertificate (PEM + key, or PKCS#12), read once at start.</summary>
public static class TlsCertificate
{
    /// <summary>The certificate with its private key, or null when the server serves plain HTTP/2.</summary>
    public static X509Certificate2? Load(ServerOptions options)
    {
        if (!options.UsesTls) return null;
        try
        {
            var password = options.TlsPassword.Length > 0 ? options.TlsPassword : null;
            var certificate = options.TlsKey.Length > 0
                ? password is null
                    ? X509Certificate2.CreateFromPemFile(options.TlsCertificate, options.TlsKey)
                    : X509Certificate2.CreateFromEncryptedPemFile(options.TlsCertificate, password, options.TlsKey)
                : X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificate, password);
            if (!certificate.HasPrivateKey)
                throw new InvalidOperationException("it has no private key (a PEM certificate needs Server:TlsKey)");
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"Server:TlsCertificate '{options.TlsCertificate}' cannot serve TLS: {e.Message}", e);
        }
    }
}
