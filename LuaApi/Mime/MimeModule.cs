using System.Security.Cryptography;
using ActorTcp.LuaApi.Modules;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// The raw functions behind the task's message methods (rspamd_task.lua): a message parsed into parts and addresses
/// (MimeKit), addresses parsed from an envelope field, and digests. A part reaches Lua as a table of its metadata (type,
/// name, flags, length, archive listing); its content stays here, in the parsed message held for the task's session
/// (<see cref="HeldMessages"/>), and is decoded into Lua only when a plugin asks for it.
/// </summary>
/// <remarks>
/// Digests keep rspamd's lengths, not its values (rspamd hashes with t1ha2 and keyed BLAKE2b, which .NET lacks): they
/// are stable per content, which is all rspamd's scanners need without a Redis cache (docs/scanners.md).
/// </remarks>
internal sealed unsafe class MimeModule : ILuaModule
{
    /// <summary>The metatable of a parsed message's handle, which Lua's collector finalizes.</summary>
    private const string HandleMetatable = "rspamd{mimemessage}";

    /// <summary>What fetching a part's content says once its task ended.</summary>
    private const string TaskEnded = "the part's task ended: its content is no longer available";

    private static ReadOnlySpan<byte> HandleMetatableZ => "rspamd{mimemessage}\0"u8;

    private readonly HeldMessages _held = new();

    public IReadOnlyList<string> LuaChunks => ["rspamd_task.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        // Made here, before sandbox.lua, so that it guards them as the host's other metatables; rspamd_task.lua fills them.
        luaL_newmetatable(L, "rspamd{mimepart}");
        lua_setfield(L, -2, "mimepart_mt");
        luaL_newmetatable(L, "rspamd{archive}");
        lua_setfield(L, -2, "archive_mt");
        luaL_newmetatable(L, HandleMetatable);
        PushFunction(L, &Gc);
        lua_setfield(L, -2, "__gc");
        lua_setfield(L, -2, "mimemessage_mt");
        SetFunction(L, "mime_parse", &Parse);
        SetFunction(L, "mime_addresses", &ParseAddresses);
        SetFunction(L, "mime_digest", &Digest);
        SetFunction(L, "mime_part_content", &PartContent);
        SetFunction(L, "mime_part_digest", &PartDigest);
        // The runtime is reachable from its state already: a session's end releases the messages held for it.
        LuaRuntime.Of(L).Sessions.Closed += _held.SessionEnded;
    }

    public void Dispose() => _held.Clear();

    // raw.mime_parse(message, session) -> true, {handle = handle, parts = {part...}, from = {address...}, to = {address...}}
    // The message is held for the session (the task's) until it ends or the handle is collected.
    private static int Parse(IntPtr L)
    {
        try
        {
            if (lua_type(L, 1) != LUA_TSTRING) return HostFunction.Error(L, $"message expected, got {TypeName(L, 1)}");
            var runtime = LuaRuntime.Of(L);
            var message = ParsedMessage.Parse(ToBytes(L, 1).ToArray());
            var id = runtime.Module<MimeModule>()._held.Hold(message, runtime.Sessions.At(L, 2).Session);
            lua_pushboolean(L, 1);
            lua_createtable(L, 0, 4);
            *(long*)lua_newuserdatauv(L, sizeof(long), 0) = id;
            luaL_setmetatable(L, HandleMetatable);
            lua_setfield(L, -2, "handle");
            lua_createtable(L, message.Parts.Count, 0);
            for (var i = 0; i < message.Parts.Count; i++)
            {
                PushPart(L, message.Parts[i]);
                lua_rawseti(L, -2, i + 1);
            }
            lua_setfield(L, -2, "parts");
            PushAddresses(L, message.From);
            lua_setfield(L, -2, "from");
            PushAddresses(L, message.To);
            lua_setfield(L, -2, "to");
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.mime_addresses(text) -> true, {address...}
    private static int ParseAddresses(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            PushAddresses(L, lua_type(L, 1) == LUA_TSTRING ? ParsedMessage.ParseAddresses(ToText(L, 1)!) : []);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.mime_digest(bytes) -> true, 32 hex digits (rspamd's task digest length): XXH128 of the message
    private static int Digest(IntPtr L)
    {
        try
        {
            if (!TextObjects.TryGetStringOrText(L, 1, out var bytes)) return HostFunction.Error(L, $"message expected, got {TypeName(L, 1)}");
            // A fast non-cryptographic 128-bit hash, as rspamd's t1ha2: this runs for every whole-message scan.
            Span<byte> hash = stackalloc byte[16];
            System.IO.Hashing.XxHash128.Hash(bytes, hash);
            lua_pushboolean(L, 1);
            PushText(L, Convert.ToHexStringLower(hash));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.mime_part_content(handle, index) -> true, text: decoded straight into the text's block, no copy on the way.
    private static int PartContent(IntPtr L)
    {
        try
        {
            if (HeldPart(L, out var message, out var index) is { } bad) return bad;
            var length = message.Parts[index].Length;
            if (!Fits(L, length))
                return HostFunction.Error(L,
                    $"not enough memory (the part's {length} bytes would take the Lua state past actortcp.lua.memory-limit)");
            lua_pushboolean(L, 1);
            var block = lua_newuserdatauv(L, (nuint)length, 0);
            luaL_setmetatable(L, TextObjects.MetatableName);
            using (var output = new UnmanagedMemoryStream((byte*)block, 0, length, FileAccess.Write))
            {
                message.WriteContent(index, output);
                if (output.Position != length)
                    return HostFunction.Error(L, $"internal error: part {index + 1} decoded to {output.Position} bytes, not {length}");
            }
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // Whether `length` more bytes stay within the memory limit. The allocator never refuses the host (LuaMemory), so
    // the limit is checked here, after one full collection as Lua makes before it refuses.
    private static bool Fits(IntPtr L, long length)
    {
        var memory = LuaRuntime.Of(L).Memory;
        if (memory.Limit == 0 || memory.Used + length <= memory.Limit) return true;
        lua_gc(L, LUA_GCCOLLECT, 0);
        return memory.Used + length <= memory.Limit;
    }

    // raw.mime_part_digest(handle, index) -> true, 128 hex digits: rspamd's part digest is BLAKE2b-512, SHA-512 has its
    // length. Hashed as the content decodes, never copied into Lua; asked for by get_digest only.
    private static int PartDigest(IntPtr L)
    {
        try
        {
            if (HeldPart(L, out var message, out var index) is { } bad) return bad;
            using var sha = SHA512.Create();
            using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
            {
                message.WriteContent(index, hashing);
                hashing.FlushFinalBlock();
            }
            lua_pushboolean(L, 1);
            PushText(L, Convert.ToHexStringLower(sha.Hash!));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // The message of the handle at 1 and the part index at 2 (1-based in Lua); an error result when either is wrong
    // or the message was released.
    private static int? HeldPart(IntPtr L, out ParsedMessage message, out int index)
    {
        message = null!;
        index = -1;
        var block = (long*)TestUdata(L, 1, HandleMetatableZ);
        if (block is null || lua_isinteger(L, 2) == 0)
            return HostFunction.Error(L, "internal error: not a part of a parsed message");
        if (LuaRuntime.Of(L).Module<MimeModule>()._held.Find(*block) is not { } held) return HostFunction.Error(L, TaskEnded);
        var n = lua_tointegerx(L, 2, null);
        if (n < 1 || n > held.Parts.Count) return HostFunction.Error(L, $"internal error: no part {n}");
        (message, index) = (held, (int)n - 1);
        return null;
    }

    private static int Gc(IntPtr L)
    {
        try
        {
            var block = (long*)TestUdata(L, 1, HandleMetatableZ);
            if (block is not null) LuaRuntime.Of(L).Module<MimeModule>()._held.Release(*block);
            return 0;
        }
        catch
        {
            // A finalizer has nowhere to report to, and must not throw into Lua.
            return 0;
        }
    }

    private static void PushPart(IntPtr L, PartInfo part)
    {
        lua_createtable(L, 0, 12);
        SetString(L, "type", part.Type);
        SetString(L, "subtype", part.Subtype);
        SetString(L, "filename", part.FileName);
        SetString(L, "detected_ext", part.DetectedExt);
        SetNumber(L, "length", part.Length);
        SetBoolean(L, "attachment", part.IsAttachment);
        SetBoolean(L, "image", part.IsImage);
        SetBoolean(L, "text", part.IsText);
        if (part.ArchiveFiles is { } files)
        {
            lua_createtable(L, files.Count, 0);
            for (var i = 0; i < files.Count; i++)
            {
                lua_createtable(L, 0, 4);
                SetString(L, "name", files[i].Name);
                SetNumber(L, "compressed_size", files[i].CompressedSize);
                SetNumber(L, "uncompressed_size", files[i].UncompressedSize);
                SetBoolean(L, "encrypted", files[i].Encrypted);
                lua_rawseti(L, -2, i + 1);
            }
            lua_setfield(L, -2, "archive_files");
        }
    }

    private static void PushAddresses(IntPtr L, IReadOnlyList<MailAddress> addresses)
    {
        lua_createtable(L, addresses.Count, 0);
        for (var i = 0; i < addresses.Count; i++)
        {
            var a = addresses[i];
            lua_createtable(L, 0, 5);
            SetString(L, "addr", a.Addr);
            SetString(L, "user", a.User);
            SetString(L, "domain", a.Domain);
            SetString(L, "name", a.Name);
            SetString(L, "raw", a.Raw);
            lua_rawseti(L, -2, i + 1);
        }
    }

    private static void SetString(IntPtr L, string field, string? value)
    {
        if (value is null) return;
        PushText(L, value);
        lua_setfield(L, -2, field);
    }

    private static void SetBoolean(IntPtr L, string field, bool value)
    {
        lua_pushboolean(L, value ? 1 : 0);
        lua_setfield(L, -2, field);
    }

    private static void SetNumber(IntPtr L, string field, long value)
    {
        lua_pushinteger(L, value);
        lua_setfield(L, -2, field);
    }
}
