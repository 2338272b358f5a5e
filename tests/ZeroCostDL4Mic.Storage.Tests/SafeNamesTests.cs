namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class SafeNamesTests
{
    [Theory]
    [InlineData("HeLa nuclei")]
    [InlineData("weights_best.pt")]
    [InlineData("img-001 (copy).tif")]
    [InlineData("Zellkerne µm")]
    public void Ordinary_names_pass_unchanged(string name) =>
        Assert.Equal(name, SafeNames.Validate(name, "name"));

    [Fact]
    public void The_message_names_the_thing_and_the_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => SafeNames.Validate("../x", "name"));
        Assert.StartsWith("name '../x' must not contain '/', '\\' or '..'", error.Message);
    }

    [Theory]
    [InlineData("", "dataset name must not be empty")]
    [InlineData("..", "must not contain")]
    [InlineData("a/b", "must not contain")]
    [InlineData("a\\b", "must not contain")]
    [InlineData("a..b", "must not contain")]
    [InlineData("a\0b", "'a\\0b' must not contain control characters")]
    [InlineData("tab\there", "control characters")]
    [InlineData(".hidden", "'.hidden' must not start with '.'")]
    public void Unsafe_names_are_rejected_with_a_precise_message(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => SafeNames.Validate(name, "dataset name"));
        Assert.Contains(expected, error.Message);
        Assert.False(SafeNames.IsValid(name));
    }

    [Fact]
    public void Names_longer_than_200_characters_are_rejected()
    {
        Assert.Equal(new string('a', 200), SafeNames.Validate(new string('a', 200), "name"));
        var error = Assert.Throws<ArgumentException>(() => SafeNames.Validate(new string('a', 201), "model name"));
        Assert.Contains("201 characters", error.Message);
    }

    [Fact]
    public void Null_is_rejected() => Assert.ThrowsAny<ArgumentException>(() => SafeNames.Validate(null!, "name"));
}
