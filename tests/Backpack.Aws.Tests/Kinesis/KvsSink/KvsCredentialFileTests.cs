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

    private static readonly string[] Versions = ["CREDENTIALS A " + new string('a', 3000) + "\n", "CREDENTIALS B " + new string('b', 20) + "\n"];

    /// <summary>
    /// Reads <paramref name="path"/> on a thread of its own, in a loop, while <paramref name="write"/> replaces it with
    /// the two versions in turn, until <paramref name="enough"/> says so (given writes and reads) or 20 s pass.
    /// Returns every text read (an unreadable file counts as <c>&lt;missing&gt;</c>) and the number of reads.
    /// </summary>
    private static (HashSet<string> Seen, int Reads) ReadWhileWriting(string path, Action<string> write, Func<int, int, HashSet<string>, bool> enough)
    {
        var seen = new HashSet<string>();
        var reads = 0;
        var stop = false;
        using var started = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (IOException)
                {
                    text = "<missing>";
                }
                lock (seen)
                {
                    seen.Add(text);
                }
                Interlocked.Increment(ref reads);
                started.Set();
            }
        });
        reader.Start();
        started.Wait(TimeSpan.FromSeconds(20)).Should().BeTrue("the reader thread starts");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (var writes = 0; DateTime.UtcNow < deadline; writes++)
        {
            lock (seen)
            {
                if (enough(writes, Volatile.Read(ref reads), seen))
                {
                    break;
                }
            }
            write(Versions[writes % 2]);
        }
        Volatile.Write(ref stop, true);
        reader.Join();
        return (seen, reads);
    }

    [Fact]
    public void A_reader_never_sees_a_partial_or_missing_file_while_it_is_replaced()
    {
        var file = KvsCredentialFile.Create(_parent.Path);
        file.Write(Versions[0]);

        var (seen, reads) = ReadWhileWriting(file.FilePath, file.Write, (writes, reads, _) => writes >= 1000 && reads >= 300);

        reads.Should().BeGreaterThanOrEqualTo(300);
        seen.Should().BeSubsetOf(Versions, "every read finds one whole version, the old or the new");
        Directory.GetFileSystemEntries(file.DirectoryPath).Should().Equal(file.FilePath);
        file.Delete().Should().BeNull();
        Directory.Exists(file.DirectoryPath).Should().BeFalse();
        file.Delete().Should().BeNull("deleting again is harmless");
    }

    [Fact]
    public void The_harness_would_see_a_torn_file_written_in_place()
    {
        // The same reader against File.WriteAllText in place (truncate, then write) sees other texts than the two
        // versions, so the test above can fail.
        var path = Path.Combine(_parent.Path, "in-place");
        File.WriteAllText(path, Versions[0]);

        var (seen, _) = ReadWhileWriting(path, text => File.WriteAllText(path, text), (_, _, seen) => !seen.IsSubsetOf(Versions));

        seen.Should().NotBeSubsetOf(Versions);
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
