using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Interceptors;

/// <summary>The configured users by token; looks a token up without revealing, through timing, how much of it matched.</summary>
public sealed class AccessTokens
{
    private readonly (byte[] TokenHash, Caller Caller)[] _users;

    public AccessTokens(IOptions<AuthOptions> options)
    {
        _users = options.Value.Users.Select(u => (Hash(u.Token), new Caller(u.Name, u.Admin))).ToArray();
    }

    public bool Required => _users.Length > 0;

    /// <summary>The token's user, or null. Every user is compared, and hashes have one length, so the time says nothing.</summary>
    public Caller? Find(string token)
    {
        var hash = Hash(token);
        Caller? found = null;
        foreach (var (tokenHash, caller) in _users)
            if (CryptographicOperations.FixedTimeEquals(hash, tokenHash)) found = caller;
        return found;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
