using System.Text;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// A MIME part's content stays in the host until a plugin asks for it, and is released when its task's session ends:
/// listing the parts of a large message costs the Lua state their metadata only, a part's content is held to
/// actortcp.lua.memory-limit when fetched, and a part kept past its task says so.
/// </summary>
public sealed class MimePartMemoryTests(ITestOutputHelper output) : ActorTcpTestKit(output, "actortcp.lua.memory-limit = 16MiB")
{
    private const int AttachmentSize = 5 << 20;

    // A text part and a 5 MiB attachment inside a nested multipart (the message, base64, is 6.8 MB): eagerly, Lua would
    // get the attachment's decoded bytes plus each container's body (the attachment again, base64), 19 MB in all.
    private static byte[] LargeMessage()
    {
        var attachment = new byte[AttachmentSize];
        new Random(7).NextBytes(attachment);
        attachment[0] = (byte)'M';
        attachment[1] = (byte)'Z';
        return Encoding.ASCII.GetBytes(
            "From: a@b.c\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
            "--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n" +
            "--inner\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
            "--inner\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.exe\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks) +
            "\r\n--inner--\r\n--outer--\r\n");
    }

    private const string MemoryGrowth = """
        local function used()
          collectgarbage()
          collectgarbage()
          return collectgarbage('count') * 1024
        end

        """;

    [Fact]
    public async Task Listing_the_parts_of_a_message_with_a_large_attachment_costs_the_lua_state_far_less_than_the_attachment()
    {
        (await LoadPluginAsync(MemoryGrowth + """
            function check(task)
              local before = used()
              local parts = task:get_parts()
              for _, p in ipairs(parts) do
                local t, st = p:get_type()
                -- A container's length is its body as sent: the attachment in base64, and more.
                local length = t == 'multipart' and p:get_length() > 5242880 or p:get_length()
                print(t .. '/' .. st, p:get_filename(), p:get_detected_ext(), p:is_attachment(), length)
              end
              print('listed', math.floor(used() - before))
              local content = parts[4]:get_content()
              print('fetched', math.floor(used() - before), #content, content:sub(1, 2), #parts[4]:get_digest())
            end
            """)).AssertSucceeded();

        var run = await RunTaskAsync("check", new Dictionary<string, object?> { ["message"] = LargeMessage() });

        run.AssertSucceeded();
        Assert.Equal(
            [
                "multipart/mixed\tnil\tnil\tfalse\ttrue",
                "multipart/alternative\tnil\tnil\tfalse\ttrue",
                "text/plain\tnil\ttxt\tfalse\t5",
                $"application/octet-stream\tbig.exe\texe\ttrue\t{AttachmentSize}",
            ],
            run.Printed.Take(4));
        var listed = long.Parse(run.Printed[4].Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(listed < AttachmentSize / 16, $"listing the parts grew the Lua state by {listed} bytes");
        var fetched = run.Printed[5].Split('\t');
        Assert.True(long.Parse(fetched[1], System.Globalization.CultureInfo.InvariantCulture) >= AttachmentSize, string.Join(' ', fetched));
        Assert.Equal([AttachmentSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "MZ", "128"], fetched[2..]);
    }

    [Fact]
    public async Task Fetching_a_part_that_would_take_the_lua_state_past_its_memory_limit_is_a_lua_error_and_the_task_goes_on()
    {
        (await LoadPluginAsync("""
            function check(task)
              local parts = task:get_parts()
              local container = parts[1]:get_content()
              print('container', #container == parts[1]:get_length())
              print('attachment', pcall(parts[4].get_content, parts[4]))
              -- The digest is hashed as the part decodes, in the host: it needs no room in the Lua state.
              print('digest', #parts[4]:get_digest())
            end
            """)).AssertSucceeded();

        var run = await RunTaskAsync("check", new Dictionary<string, object?> { ["message"] = LargeMessage() });

        run.AssertSucceeded();
        Assert.Equal(
            [
                "container\ttrue",
                $"attachment\tfalse\tmimepart:get_content: not enough memory (the part's {AttachmentSize} bytes would take the Lua state past actortcp.lua.memory-limit)",
                "digest\t128",
            ],
            run.Printed);
    }

    [Fact]
    public async Task A_part_kept_past_its_task_still_gives_its_metadata_but_fetching_its_content_is_a_lua_error()
    {
        (await LoadPluginAsync("""
            function keep(task)
              kept = task:get_parts()[4]
              print('during', kept:get_filename())
            end
            function late(task)
              print('type', kept:get_type())
              print('length', kept:get_length())
              print('content', pcall(kept.get_content, kept))
              print('digest', pcall(kept.get_digest, kept))
            end
            """)).AssertSucceeded();

        var keep = await RunTaskAsync("keep", new Dictionary<string, object?> { ["message"] = LargeMessage() });
        var late = await RunTaskAsync("late");

        keep.AssertSucceeded();
        Assert.Equal(["during\tbig.exe"], keep.Printed);
        late.AssertSucceeded();
        Assert.Equal(
            [
                "type\tapplication\toctet-stream",
                $"length\t{AttachmentSize}",
                "content\tfalse\tmimepart:get_content: the part's task ended: its content is no longer available",
                "digest\tfalse\tmimepart:get_digest: the part's task ended: its content is no longer available",
            ],
            late.Printed);
    }
}
