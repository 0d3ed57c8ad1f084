using System.Text;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// The task's message and envelope methods (<c>message</c>, <c>from</c>, <c>rcpt</c>, <c>ip</c>, <c>helo</c>,
/// <c>hostname</c>, <c>uid</c> fields) and its MIME parts, with the shapes rspamd 3.4 gives (checked with
/// <c>rspamadm lua</c> on the same message).
/// </summary>
public sealed class TaskMessageTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(
        "From: a@b.c\r\nTo: Dd <d@e.f>, g@h.i\r\nSubject: hi\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n" +
        "--x\r\nContent-Type: text/plain\r\n\r\nbody\r\n" +
        "--x\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=\"dot.png\"\r\nContent-ID: <dot>\r\n" +
        "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0]) + "\r\n" +
        "--x\r\nContent-Type: application/zip; name=\"a.zip\"\r\nContent-Disposition: attachment; filename=\"a.zip\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Zip("inner.exe", "MZ")) + "\r\n--x--\r\n");

    private static byte[] Zip(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = new StreamWriter(zip.CreateEntry(name).Open())) entry.Write(content);
        return buffer.ToArray();
    }

    private async Task<LuaRun> TaskAsync(string body, Dictionary<string, object?> fields)
    {
        (await LoadPluginAsync("function check(task)\n" + body + "\nend")).AssertSucceeded();
        return await RunTaskAsync("check", fields);
    }

    private const string Dump = """
        local function dump(list)
          if not list then return 'nil' end
          local out = {}
          for i, a in ipairs(list) do out[i] = string.format('{addr=%s user=%s domain=%s name=%s raw=%s}', a.addr, a.user, a.domain, a.name, a.raw) end
          return table.concat(out, ',')
        end

        """;

    [Fact]
    public async Task Without_envelope_fields_from_and_recipients_come_from_the_mime_headers_as_in_rspamd()
    {
        var run = await TaskAsync(Dump + """
            print('from', dump(task:get_from()))
            print('from smtp', dump(task:get_from('smtp')))
            print('rcpt', dump(task:get_recipients()))
            print('prin', task:get_principal_recipient())
            print('ip', task:get_from_ip(), task:get_hostname(), task:get_helo())
            print('uid', #task:get_uid(), task:get_uid() == task:get_uid())
            print('digest', #task:get_digest(), task:get_digest() == task:get_digest())
            print('content', #task:get_content(), tostring(task:get_content()):sub(1, 11))
            """, new() { ["message"] = Message });

        run.AssertSucceeded();
        Assert.Equal(
            [
                "from\t{addr=a@b.c user=a domain=b.c name= raw=a@b.c}",
                "from smtp\tnil",
                "rcpt\t{addr=d@e.f user=d domain=e.f name=Dd raw=<d@e.f>},{addr=g@h.i user=g domain=h.i name= raw=g@h.i}",
                "prin\td@e.f",
                "ip\tnil\tnil\tnil",
                "uid\t19\ttrue",
                "digest\t32\ttrue",
                $"content\t{Message.Length}\tFrom: a@b.c",
            ],
            run.Printed);
    }

    [Fact]
    public async Task Envelope_fields_come_before_the_headers_and_the_client_ip_is_an_ip_object()
    {
        var run = await TaskAsync(Dump + """
            print('from', dump(task:get_from()), dump(task:get_from('mime')))
            print('rcpt', dump(task:get_recipients(1)), task:get_principal_recipient())
            local ip = task:get_from_ip()
            print('ip', ip:to_string(), ip:is_valid(), ip:get_version(), task:get_hostname(), task:get_helo(), task:get_uid())
            """, new()
            {
                ["message"] = Message, ["from"] = "env@sender.org", ["rcpt"] = "one@x.org, two@y.org", ["ip"] = "2001:db8::1",
                ["helo"] = "mx.sender.org", ["hostname"] = "mail.sender.org", ["uid"] = "abc123",
            });

        run.AssertSucceeded();
        Assert.Equal(
            [
                "from\t{addr=env@sender.org user=env domain=sender.org name= raw=env@sender.org}\t{addr=a@b.c user=a domain=b.c name= raw=a@b.c}",
                "rcpt\t{addr=one@x.org user=one domain=x.org name= raw=one@x.org},{addr=two@y.org user=two domain=y.org name= raw=two@y.org}\tone@x.org",
                "ip\t2001:db8::1\ttrue\t6\tmail.sender.org\tmx.sender.org\tabc123",
            ],
            run.Printed);
    }

    // rspamd 3.4 (rspamadm lua, the same message) prints the same lines except is_image(), false there for the png:
    // no image processing ran for a task loaded by rspamadm.
    [Fact]
    public async Task Get_parts_lists_every_part_with_its_type_name_content_and_rspamds_flags()
    {
        var run = await TaskAsync("""
            for _, p in ipairs(task:get_parts()) do
              local t, st, extra = p:get_type()
              assert(extra == nil, 'get_type gives two values, as in rspamd')
              print(t .. '/' .. st, p:get_filename(), p:get_detected_ext(), p:is_attachment(), p:is_image(), p:is_text(),
                p:is_archive(), #p:get_digest(), p:get_length() == #p:get_content())
              if p:is_archive() then
                local f = p:get_archive():get_files_full()[1]
                print('', f.name, f.uncompressed_size, f.encrypted, p:get_archive():get_files()[1])
              end
            end
            print(tostring(task:get_parts()[2]:get_content()))
            """, new() { ["message"] = Message });

        run.AssertSucceeded();
        Assert.Equal(
            [
                "multipart/mixed\tnil\tnil\tfalse\tfalse\tfalse\tfalse\t128\ttrue",
                "text/plain\tnil\ttxt\tfalse\tfalse\ttrue\tfalse\t128\ttrue",
                "image/png\tdot.png\tpng\tfalse\ttrue\tfalse\tfalse\t128\ttrue",
                "application/zip\ta.zip\tzip\ttrue\tfalse\tfalse\ttrue\t128\ttrue",
                "\tinner.exe\t2\tfalse\tinner.exe",
                "body",
            ],
            run.Printed);
    }

    [Theory]
    [InlineData("task:get_content()", "task:get_content: the task has no message (its field 'message' holds the message bytes)")]
    [InlineData("task:get_parts()", "task:get_parts: the task has no message (its field 'message' holds the message bytes)")]
    [InlineData("task.get_from({})", "bad argument #1 to 'get_from' (rspamd{task} expected, got table)")]
    [InlineData("task:get_parts()[1].get_content(1)", "bad argument #1 to 'get_content' (rspamd{mimepart} expected, got number)")]
    public async Task A_wrong_call_is_a_lua_error_naming_what_is_wrong(string call, string error)
    {
        var fields = new Dictionary<string, object?>();
        if (call.Contains("[1]", StringComparison.Ordinal)) fields["message"] = Message;

        var run = await TaskAsync(call, fields);

        Assert.NotNull(run.Error);
        Assert.StartsWith("plugin.lua:2: " + error, run.Error);
    }

    // Truncated in its entry, cut before the central directory, and a directory offset past the end.
    [Theory]
    [InlineData("half")]
    [InlineData("no-directory")]
    [InlineData("bad-offset")]
    public async Task A_damaged_zip_is_listed_as_a_part_but_not_as_an_archive_and_the_task_goes_on(string damage)
    {
        var zip = Zip("inner.exe", new string('M', 300));
        zip = damage switch
        {
            "half" => zip[..(zip.Length / 2)],
            "no-directory" => zip[..40],
            _ => Damaged(zip),
        };
        var message = Encoding.ASCII.GetBytes(
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n" +
            "--x\r\nContent-Type: application/zip; name=\"a.zip\"\r\nContent-Disposition: attachment; filename=\"a.zip\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(zip) + "\r\n--x--\r\n");

        var run = await TaskAsync("""
            local p = task:get_parts()[2]
            print(p:get_filename(), p:get_detected_ext(), p:is_archive(), p:get_archive(), p:get_length())
            """, new() { ["message"] = message });

        run.AssertSucceeded();
        Assert.Equal([$"a.zip\tzip\tfalse\tnil\t{zip.Length}"], run.Printed);

        // The end-of-central-directory record's offset of the directory (bytes 16-19 of its 22) set past the end.
        static byte[] Damaged(byte[] zip)
        {
            var copy = (byte[])zip.Clone();
            BitConverter.TryWriteBytes(copy.AsSpan(copy.Length - 22 + 16, 4), int.MaxValue);
            return copy;
        }
    }
}
