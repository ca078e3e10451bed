using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

public sealed class KvsCredentialFileTests : IDisposable
{
    private readonly TemporaryDirectory _parent = new();

    public void Dispose() => _parent.Dispose();

    [Fact]
    public void The_format_is_the_one_the_producer_sdk_tests_read()
    {
        // producer-c tst/AwsCredentialsTest.cpp writes "CREDENTIALS %s 2200-01-01T00:00:00Z %s %s" and "CREDENTIALS %s %s".
        KvsCredentialFile.Format(new ImmutableCredentials("ASIAKEY", "secret", "token"), new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero))
            .Should().Be("CREDENTIALS ASIAKEY 2200-01-01T00:00:00Z secret token\n");
        KvsCredentialFile.Format(new ImmutableCredentials("AKIAKEY", "secret", null), null).Should().Be("CREDENTIALS AKIAKEY secret\n");
        KvsCredentialFile.Format(new ImmutableCredentials("AKIAKEY", "secret", null), new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2)))
            .Should().Be("CREDENTIALS AKIAKEY 2026-03-04T03:06:07Z secret\n", "UTC, seconds cut; four fields read as key, expiration, secret and no token");
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_or_missing_file_while_it_is_replaced()
    {
        var file = KvsCredentialFile.Create(_parent.Path);
        var contents = new[] { "CREDENTIALS A " + new string('a', 3000) + "\n", "CREDENTIALS B " + new string('b', 20) + "\n" };
        file.Write(contents[0]);
        var seen = new HashSet<string>();
        var reads = 0;
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                seen.Add(File.ReadAllText(file.FilePath));
                reads++;
            }
        });
        for (var i = 0; i < 2000; i++)
        {
            file.Write(contents[i % 2]);
        }
        await stop.CancelAsync();
        await reader;

        reads.Should().BeGreaterThan(100);
        seen.Should().BeSubsetOf(contents, "every read finds one whole version, the old or the new");
        Directory.GetFileSystemEntries(file.DirectoryPath).Should().Equal(file.FilePath);
        file.Delete().Should().BeNull();
        Directory.Exists(file.DirectoryPath).Should().BeFalse();
        file.Delete().Should().BeNull("deleting again is harmless");
    }

    [Fact]
    public async Task The_harness_would_see_a_torn_file_written_in_place()
    {
        // The same reader against File.WriteAllText in place (truncate, then write): it sees other versions,
        // so the test above can fail.
        var path = Path.Combine(_parent.Path, "in-place");
        var contents = new[] { "CREDENTIALS A " + new string('a', 3000) + "\n", "CREDENTIALS B " + new string('b', 20) + "\n" };
        File.WriteAllText(path, contents[0]);
        var torn = false;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && !torn)
            {
                try
                {
                    torn |= !contents.Contains(File.ReadAllText(path));
                }
                catch (IOException)
                {
                }
            }
        });
        for (var i = 0; i < 20000 && !torn; i++)
        {
            File.WriteAllText(path, contents[i % 2]);
        }
        await stop.CancelAsync();
        await reader;

        torn.Should().BeTrue();
    }

    [Fact]
    public void Content_of_ten_thousand_bytes_is_refused_as_kvssink_would()
    {
        var file = KvsCredentialFile.Create(_parent.Path);

        file.Invoking(f => f.Write(new string('x', 10_000))).Should().Throw<InvalidOperationException>().WithMessage("*under 10000 bytes*");
        File.Exists(file.FilePath).Should().BeFalse();
        file.Delete();
    }

    [Fact]
    public void A_parent_directory_that_went_away_is_reported_with_its_path()
    {
        var missing = Path.Combine(_parent.Path, "gone");

        FluentActions.Invoking(() => KvsCredentialFile.Create(missing)).Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Be($"Cannot create a private directory for kvssink's credential file in {missing}: it does not exist.");
        Directory.Exists(missing).Should().BeFalse();
    }
}
