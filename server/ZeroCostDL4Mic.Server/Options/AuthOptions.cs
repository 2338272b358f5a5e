using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace ZeroCostDL4Mic.Server.Options;

/// <summary>
/// Access tokens, bound from the "Auth" section (appsettings, --Auth:Users:0:Name=alice, Auth__Users__0__Token=...)
/// plus the users of <see cref="TokensFile"/>. No users: every call is the user "local", as on a one-person machine.
/// </summary>
public sealed partial class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>Shortest token accepted: 16 characters of a random token are beyond guessing over a network.</summary>
    public const int MinTokenLength = 16;

    public List<AccessUser> Users { get; set; } = [];

    /// <summary>A JSON file with more users, read at start: <c>{ "users": [ { "name": ..., "token": ..., "admin": true } ] }</c>.</summary>
    public string? TokensFile { get; set; }

    /// <summary>True when calls must carry a token; filled from Users after the tokens file was read.</summary>
    public bool Enabled => Users.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            var field = $"Auth:Users:{i}";
            if (string.IsNullOrEmpty(user.Name) || !UserName().IsMatch(user.Name))
                yield return new ValidationResult(
                    $"{field}:Name '{user.Name}' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                    [nameof(Users)]);
            if (string.IsNullOrEmpty(user.Token) || user.Token.Length < MinTokenLength)
                yield return new ValidationResult(
                    $"{field}:Token (user '{user.Name}') must be at least {MinTokenLength} characters long", [nameof(Users)]);
            else if (user.Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~'))
                yield return new ValidationResult(
                    $"{field}:Token (user '{user.Name}') must be printable ASCII without spaces (it travels in an HTTP header)", [nameof(Users)]);
        }
        foreach (var name in Users.GroupBy(u => u.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            yield return new ValidationResult($"Auth:Users:Name '{name}' appears more than once; each user has one entry", [nameof(Users)]);
        foreach (var shared in Users.Where(u => !string.IsNullOrEmpty(u.Token)).GroupBy(u => u.Token, StringComparer.Ordinal).Where(g => g.Count() > 1))
            yield return new ValidationResult(
                $"Auth:Users:Token is the same for users {string.Join(", ", shared.Select(u => $"'{u.Name}'"))}; each user needs their own token",
                [nameof(Users)]);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex UserName();
}

/// <summary>One user of a shared server; <see cref="Admin"/> may cancel or delete everyone's jobs, datasets and models.</summary>
public sealed class AccessUser
{
    public string Name { get; set; } = "";
    public string Token { get; set; } = "";
    public bool Admin { get; set; }
}
