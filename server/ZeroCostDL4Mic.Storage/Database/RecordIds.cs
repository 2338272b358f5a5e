using System.Security.Cryptography;

namespace ZeroCostDL4Mic.Storage;

/// <summary>
/// Ids like <c>job_01jb3k7x2m9qf4r</c>: a prefix, 9 base32 characters of Unix milliseconds, then 5 of randomness
/// (incremented within one millisecond, as ULID's monotonic mode), so ids sort in creation order and are URL-safe.
/// </summary>
internal static class RecordIds
{
    public const string Dataset = "ds_";
    public const string Model = "mdl_";
    public const string Job = "job_";

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case
    private const int TimeChars = 9;
    private const int RandomChars = 5;
    private const int RandomBits = RandomChars * 5;

    private static readonly Lock Gate = new();
    private static long _lastMillis;
    private static long _lastRandom;

    public static string New(string prefix)
    {
        long millis, random;
        lock (Gate)
        {
            millis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (millis <= _lastMillis)
            {
                millis = _lastMillis;
                random = _lastRandom + 1;
                if (random >= 1L << RandomBits)
                {
                    millis++;
                    random = RandomNumberGenerator.GetInt32(1 << (RandomBits - 1));
                }
            }
            else
            {
                // Half the range leaves room to count up within one millisecond.
                random = RandomNumberGenerator.GetInt32(1 << (RandomBits - 1));
            }
            (_lastMillis, _lastRandom) = (millis, random);
        }
        Span<char> text = stackalloc char[TimeChars + RandomChars];
        Encode(millis, text[..TimeChars]);
        Encode(random, text[TimeChars..]);
        return prefix + new string(text);
    }

    private static void Encode(long value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    }
}
