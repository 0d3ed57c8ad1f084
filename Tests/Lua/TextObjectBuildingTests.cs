using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using Xunit;

namespace ActorTcp.Tests.Lua;

// Building texts (fromtable, lines, split), binary data, bad arguments, size and memory.
public partial class TextObjectTests
{
    [Fact]
    public void Fromtable_joins_strings_texts_numbers_and_nested_tables()
    {
        var lines = Run("""
            local T = rspamd_text.fromstring
            print(rspamd_text.fromtable({ "a", T("b"), "c" }))
            print(rspamd_text.fromtable({ "a", T("b"), "c" }, ", "))
            print(rspamd_text.fromtable({ "a", { "b", T("c") }, 3 }, "-"))
            print(#rspamd_text.fromtable({}), #rspamd_text.fromtable({}, "x"), rspamd_text.fromtable({ "only" }, "x"))
            print(rspamd_text.fromtable({ "a", "b" }, T("\0")) == T("a\0b"), rspamd_text.from_table({ "x", "y" }, 0))
            print(rspamd_text.is_text(rspamd_text.fromtable({ "a" })), rspamd_text.fromtable({ "a", "b", x = {} }))
            """);
        Assert.Equal(
            [
                "abc",
                "a, b, c",
                "a-b-c-3",
                "0\t0\tonly",
                "true\tx0y",
                "true\tab",
            ],
            lines);
    }

    [Fact]
    public void Fromtable_names_the_position_of_a_bad_element()
    {
        var lines = Run("""
            local function try(...) print(select(2, pcall(rspamd_text.fromtable, ...))) end
            try({ "a", true, "c" })
            try({ "a", { "b", "c", {} , { io.stdout } } })
            try({ "a", nil, "c" })
            try("abc")
            try()
            try({ "a" }, {})
            local cycle = { "a" }
            cycle[2] = cycle
            try(cycle)
            local ok, err = pcall(function() local r = rspamd_text.fromtable({ function() end }); return r end)
            print(err)
            """);
        Assert.Equal(
            [
                "rspamd_text.fromtable: bad element tbl[2] (string or text expected, got boolean)",
                "rspamd_text.fromtable: bad element tbl[2][4][1] (string or text expected, got FILE*)",
                "rspamd_text.fromtable: bad element tbl[2] (string or text expected, got nil)",
                "rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got string)",
                "rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got nil)",
                "rspamd_text.fromtable: bad argument #2 'delim' (string expected, got table)",
                "rspamd_text.fromtable: tables nested too deeply at tbl[2][2][2][2][2][2][2][2][2][2][2]",
                "test:11: rspamd_text.fromtable: bad element tbl[1] (string or text expected, got function)",
            ],
            lines);
    }

    [Fact]
    public void Lines_iterates_over_lines_as_texts_or_strings()
    {
        var lines = Run("""
            local function show(t, stringify)
              local out = {}
              for l in t:lines(stringify) do
                out[#out + 1] = (type(l) == "string" and "s:" or (rspamd_text.is_text(l) and "t:" or "?:")) .. tostring(l)
              end
              print(#out, table.concat(out, "|"))
            end
            local T = rspamd_text.fromstring
            show(T("a\r\nbb\nccc"))
            show(T("a\r\nbb\nccc\r\n"), true)
            show(T("one"), true)
            show(T(""))
            show(T("\n"), true)
            show(T("a\n\n\r\nb\r\r\n"), true)
            show(T("x\ry\n"), true)
            show(T("a\nb"), 1)
            local it = T("a"):lines()
            print(it(), it(), it())
            """);
        Assert.Equal(
            [
                "3\tt:a|t:bb|t:ccc",
                "3\ts:a|s:bb|s:ccc",
                "1\ts:one",
                "0\t",
                "1\ts:",
                "4\ts:a|s:|s:|s:b\r",
                "1\ts:x\ry",
                "2\tt:a|t:b",
                "a\tnil\tnil",
            ],
            lines);
    }

    [Fact]
    public void Split_iterates_over_pieces_between_a_plain_separator_skipping_empty_ones()
    {
        var lines = Run("""
            local function show(t, sep, stringify)
              local out = {}
              for p in t:split(sep, stringify) do
                out[#out + 1] = (type(p) == "string" and "s:" or (rspamd_text.is_text(p) and "t:" or "?:")) .. tostring(p)
              end
              print(#out, table.concat(out, "|"))
            end
            local T = rspamd_text.fromstring
            show(T("a,b,,c"), ",")
            show(T(",,a,b,,c,,"), ",", true)
            show(T("a\r\nb\r\n\r\nc"), "\r\n", true)
            show(T("a.*b"), ".*", true)
            show(T("abc"), ";", true)
            show(T(""), ";")
            show(T(",,,"), ",")
            show(T("a\0b\0c"), "\0", true)
            show(T("aXXbXc"), T("X"), true)
            show(T("1020"), 0, true)
            """);
        Assert.Equal(
            [
                "3\tt:a|t:b|t:c",
                "3\ts:a|s:b|s:c",
                "3\ts:a|s:b|s:c",
                "2\ts:a|s:b",
                "1\ts:abc",
                "0\t",
                "0\t",
                "3\ts:a|s:b|s:c",
                "3\ts:a|s:b|s:c",
                "2\ts:1|s:2",
            ],
            lines);
    }

    [Fact]
    public void Every_byte_value_round_trips_through_fromstring_tostring_sub_span_find_and_fromtable()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local bytes = {}
            for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
            local s = table.concat(bytes)
            local t = rspamd_text.fromstring(s)
            print(t)
            print(t:str())
            print(t:sub(1, -1))
            print(t:span(1))
            print(rspamd_text.fromtable({ t:sub(1, 128), t:sub(129) }))
            print(t:sub(128, 130))
            print(t:find("\0\1\2"), t:find("\127\128"), t:find("\255"), t:find("\254\255\0"))
            print(#t, t:at(1), t:at(129), t:at(256))
            """), "test");
        Assert.Null(error);

        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(8, output.Lines.Count);
        for (var i = 0; i < 5; i++) Assert.Equal(all, output.Lines[i]);
        Assert.Equal(new byte[] { 0x7F, 0x80, 0x81 }, output.Lines[5]);
        Assert.Equal("1\t128\t256\tnil", Encoding.Latin1.GetString(output.Lines[6]));
        Assert.Equal("256\t0\t128\t255", Encoding.Latin1.GetString(output.Lines[7]));
    }

    [Fact]
    public void Binary_text_survives_lines_split_and_concatenation()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local t = rspamd_text.fromstring("\0\255\r\n\128\0\n")
            for l in t:lines() do print(l) end
            for p in t:split("\0") do print(p) end
            print("\0" .. t .. "\255")
            """), "test");
        Assert.Null(error);
        Assert.Equal(
            [
                [0x00, 0xFF],
                [0x80, 0x00],
                [0xFF, 0x0D, 0x0A, 0x80],
                [0x0A],
                [0x00, 0x00, 0xFF, 0x0D, 0x0A, 0x80, 0x00, 0x0A, 0xFF],
            ],
            output.Lines);
    }

    [Fact]
    public void Bad_arguments_raise_Lua_errors_naming_the_argument()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local function try(f, ...) print(select(2, pcall(f, ...))) end
            try(t.sub, t)
            try(t.sub, t, "x")
            try(t.sub, t, 1.5)
            try(t.sub, t, 1, {})
            try(t.span, t, nil)
            try(t.span, t, 1, "x")
            try(t.find, t)
            try(t.find, t, {})
            try(t.find, t, "a", "x")
            try(t.byte, t, {})
            try(t.byte, t, 1, 2.5)
            try(t.at, t, "x")
            try(t.lines, "abc")
            try(t.split, t)
            try(t.split, t, "")
            try(t.split, t, {})
            try(t.len, "abc")
            try(t.str, 5)
            try(t.sub, io.stdout, 1)
            try(t.find, nil, "a")
            try(rspamd_text.fromstring, {})
            try(rspamd_text.fromstring)
            """);
        Assert.Equal(
            [
                "text:sub: bad argument #1 'i' (number expected, got nil)",
                "text:sub: bad argument #1 'i' (number expected, got string)",
                "text:sub: bad argument #1 'i' (number has no integer representation)",
                "text:sub: bad argument #2 'j' (number expected, got table)",
                "text:span: bad argument #1 'start' (number expected, got nil)",
                "text:span: bad argument #2 'len' (number expected, got string)",
                "text:find: bad argument #1 'pattern' (string expected, got nil)",
                "text:find: bad argument #1 'pattern' (string expected, got table)",
                "text:find: bad argument #2 'init' (number expected, got string)",
                "text:byte: bad argument #1 'i' (number expected, got table)",
                "text:byte: bad argument #2 'j' (number has no integer representation)",
                "text:at: bad argument #1 'i' (number expected, got string)",
                "text:lines: bad self (rspamd{text} expected, got string)",
                "text:split: bad argument #1 'sep' (string expected, got nil)",
                "text:split: bad argument #1 'sep' (the separator is empty)",
                "text:split: bad argument #1 'sep' (string expected, got table)",
                "text:len: bad self (rspamd{text} expected, got string)",
                "text:str: bad self (rspamd{text} expected, got number)",
                "text:sub: bad self (rspamd{text} expected, got FILE*)",
                "text:find: bad self (rspamd{text} expected, got nil)",
                "rspamd_text.fromstring: bad argument #1 'str' (string expected, got table)",
                "rspamd_text.fromstring: bad argument #1 'str' (string expected, got nil)",
            ],
            lines);
    }

    [Fact]
    public void Argument_errors_point_at_the_callers_line()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local function at(f) local _, err = pcall(f); print(err) end
            at(function() local _ = t:sub("x") end)
            at(function() local _ = t:byte({}) end)
            at(function() local a, b = t:byte(1, {}) return a end)
            at(function() local _ = t:find({}) end)
            at(function() local _ = t:span(9) end)
            at(function() local _ = t:lines(1, 2) and t.lines(5) end)
            at(function() local _ = t:split("") end)
            at(function() local _ = t.at(nil) end)
            at(function() local _ = t.len(1) end)
            at(function() local _ = rspamd_text.fromtable(1) end)
            at(function() local _ = rspamd_text.fromstring(nil) end)
            at(function() local _ = t .. {} end)
            at(function() local _ = t:nosuch() end)
            """);
        Assert.Equal(
            [
                "test:3: text:sub: bad argument #1 'i' (number expected, got string)",
                "test:4: text:byte: bad argument #1 'i' (number expected, got table)",
                "test:5: text:byte: bad argument #2 'j' (number expected, got table)",
                "test:6: text:find: bad argument #1 'pattern' (string expected, got table)",
                "test:7: text:span: start offset 9 is out of range (text length 3)",
                "test:8: text:lines: bad self (rspamd{text} expected, got number)",
                "test:9: text:split: bad argument #1 'sep' (the separator is empty)",
                "test:10: text:at: bad self (rspamd{text} expected, got nil)",
                "test:11: text:len: bad self (rspamd{text} expected, got number)",
                "test:12: rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got number)",
                "test:13: rspamd_text.fromstring: bad argument #1 'str' (string expected, got nil)",
                "test:14: attempt to concatenate a table value",
                "test:15: attempt to call a nil value (method 'nosuch')",
            ],
            lines);
    }

    [Fact]
    public void An_uncaught_argument_error_fails_the_chunk_with_a_traceback()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local t = rspamd_text.fromstring("abc")
            print("before")
            t:sub({})
            print("after")
            """), "test");
        Assert.NotNull(error);
        Assert.StartsWith("test:3: text:sub: bad argument #1 'i' (number expected, got table)", error);
        Assert.Contains("stack traceback", error);
        Assert.Equal("before", Encoding.Latin1.GetString(Assert.Single(output.Lines)));

        // The runtime stays usable.
        Assert.Null(runtime.RunChunk("print(rspamd_text.fromstring('ok'))"u8, "again"));
        Assert.Equal("ok", Encoding.Latin1.GetString(output.Lines[^1]));
    }

    [Fact]
    public void One_megabyte_texts_work_with_every_method()
    {
        var lines = Run("""
            local MB = 1024 * 1024
            local s = string.rep("0123456789abcdef", MB // 16 - 1) .. "0123456789\r\nEND!"
            local t = rspamd_text.fromstring(s)
            print(#t, t:len(), #t:str(), t:str() == s, tostring(t) == s)
            print(t:find("END!"), t:find("\r\n"), t:find("f0", MB - 100))
            print(#t:sub(2, -2), t:sub(-4):str(), #t:span(MB // 2), t:span(MB - 3, 4):str())
            print(t:byte(-1), t:at(MB), t:at(1))
            local n, last = 0, nil
            for l in t:lines() do n = n + 1; last = l end
            print(n, #last, last:str())
            local pieces = 0
            for p in t:split("f", true) do pieces = pieces + 1 end
            print(pieces)
            local big = t .. t
            print(#big, big:sub(MB - 3, MB + 4):str() == "END!0123")
            local joined = rspamd_text.fromtable({ t, t, t }, "|")
            print(#joined, joined == rspamd_text.fromstring(s .. "|" .. s .. "|" .. s))
            """);
        Assert.Equal(
            [
                "1048576\t1048576\t1048576\ttrue\ttrue",
                "1048573\t1048571\t1048480\t1048481",
                "1048574\tEND!\t524289\tEND!",
                "33\t33\t48",
                "2\t4\tEND!",
                "65536",
                "2097152\ttrue",
                "3145730\ttrue",
            ],
            lines);
    }

    [Fact]
    public void Two_hundred_thousand_texts_are_collected()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        runtime.CollectGarbage();
        var before = runtime.MemoryBytes();

        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local T = rspamd_text.fromstring
            local keep = 0
            for i = 1, 200000 do
              local t = T("payload " .. i)
              local u = t:sub(2, -2) .. "x"
              for l in u:lines() do keep = keep + #l end
              keep = keep + #t:span(1, 3) + (t == u and 1 or 0)
            end
            print(keep)
            """), "test");
        Assert.Null(error);
        Assert.Single(output.Lines);

        runtime.CollectGarbage();
        var after = runtime.MemoryBytes();
        Assert.True(after - before < 64 * 1024, $"Lua memory grew from {before} to {after} bytes");
    }

    [Fact]
    public void Successful_calls_allocate_nothing_on_the_managed_heap()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var code = Encoding.UTF8.GetBytes("""
            local n = ...
            local t = rspamd_text.fromstring("GET / HTTP/1.1\r\nHost: x\r\n\r\n\0\255")
            local sum = 0
            for i = 1, tonumber(n) do
              local u = t:sub(2, -2) .. "x"
              sum = sum + #t + t:len() + #tostring(t) + #t:str() + #t:span(3, 4) + t:find("Host") + t:byte(-1) + t:at(1)
              for l in u:lines() do sum = sum + #l end
              for p in t:split(": ", true) do sum = sum + #p end
              if t == u then sum = sum + 1 end
              sum = sum + #rspamd_text.fromtable({ t, "a", u }, ",") + #rspamd_text.fromstring("abc")
            end
            print(sum)
            """);
        Assert.Null(runtime.RunChunk(code, "warmup", "1000"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(runtime.RunChunk(code, "measured", "50000"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 50000 iterations of ~20 host calls: one allocation per call would be megabytes.
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated on the managed heap");
    }

    [Fact]
    public void Methods_reach_texts_through_the_metatable_only()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local mt = getmetatable(t)
            print(type(mt.__index), mt.__index == getmetatable(rspamd_text.fromstring("")).__index)
            print(rawget(_G, "text_sub"), rawget(_G, "raw"), mt.__name)
            print(pcall(function() t.x = 1 end))
            """);
        Assert.Equal("table\ttrue", lines[0]);
        Assert.Equal("nil\tnil\trspamd{text}", lines[1]);
        Assert.StartsWith("false\ttest:5: attempt to index a rspamd{text} value", lines[2]);
    }
}
