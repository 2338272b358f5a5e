using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ZeroCostDL4Mic.Server.Options;

/// <summary>Reads Auth:TokensFile, a JSON file kept out of appsettings so tokens stay in one private place.</summary>
public static class TokensFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    };

    private sealed record Content(List<AccessUser>? Users);

    /// <summary>Adds the file's users to the options; a missing or malformed file stops the server at start.</summary>
    public static void AddUsers(AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TokensFile)) return;
        var path = Path.GetFullPath(options.TokensFile);
        List<AccessUser>? users;
        try
        {
            users = JsonSerializer.Deserialize<Content>(File.ReadAllText(path), Json)?.Users;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw Invalid($"Auth:TokensFile '{path}' cannot be read: {e.Message}");
        }
        if (users is null || users.Count == 0)
            throw Invalid($"Auth:TokensFile '{path}' has no users; expected {{ \"users\": [ {{ \"name\": \"alice\", \"token\": \"...\", \"admin\": false }} ] }}");
        options.Users.AddRange(users);
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Microsoft.Extensions.Options.Options.DefaultName, typeof(AuthOptions), [message]);
}
