using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZeroCostDL4Mic.Cli;

/// <summary>Trusting one extra certificate for https:// servers: a facility's own CA, or a server's self-signed certificate.</summary>
public static class TrustedCertificates
{
    public static X509Certificate2 Load(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new CliFailure(ExitCodes.Usage, $"--ca-certificate '{path}' is not a PEM or DER certificate: {e.Message}");
        }
    }

    /// <summary>
    /// What the system accepts, or a chain that ends in <paramref name="trusted"/>. A certificate for another host name
    /// stays refused: trusting a CA is not trusting every name it signed.
    /// </summary>
    public static bool Accept(X509Certificate2 trusted, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || presented is null) return false;
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
