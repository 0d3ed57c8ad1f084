using System.Security.Cryptography;
using ActorTcp.LuaApi.Modules;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// The raw functions behind the task's message methods (rspamd_task.lua): a message parsed into parts and addresses
/// (MimeKit), addresses parsed from an envelope field, and digests. Everything is handed to Lua as plain tables and
/// strings, parsed once per task and cached there; no .NET object outlives a call.
/// </summary>
/// <remarks>
/// Digests keep rspamd's lengths, not its values (rspamd hashes with t1ha2 and keyed BLAKE2b, which .NET lacks): they
/// are stable per content, which is all rspamd's scanners need without a Redis cache (docs/scanners.md).
/// </remarks>
internal sealed unsafe class MimeModule : ILuaModule
{
    public IReadOnlyList<string> LuaChunks => ["rspamd_task.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        // Made here, before sandbox.lua, so that it guards them as the host's other metatables; rspamd_task.lua fills them.
        luaL_newmetatable(L, "rspamd{mimepart}");
        lua_setfield(L, -2, "mimepart_mt");
        luaL_newmetatable(L, "rspamd{archive}");
        lua_setfield(L, -2, "archive_mt");
        SetFunction(L, "mime_parse", &Parse);
        SetFunction(L, "mime_addresses", &ParseAddresses);
        SetFunction(L, "mime_digest", &Digest);
        SetFunction(L, "mime_part_digest", &PartDigest);
    }

    public void Dispose() { }

    // raw.mime_parse(message) -> true, {parts = {part...}, from = {address...}, to = {address...}}
    private static int Parse(IntPtr L)
    {
        try
        {
            if (lua_type(L, 1) != LUA_TSTRING) return HostFunction.Error(L, $"message expected, got {TypeName(L, 1)}");
            var message = ParsedMessage.Parse(ToBytes(L, 1).ToArray());
            lua_pushboolean(L, 1);
            lua_createtable(L, 0, 3);
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

    // raw.mime_part_digest(bytes) -> true, 128 hex digits: rspamd's part digest is BLAKE2b-512, SHA-512 has its length.
    // Asked for by get_digest only: most parts of most scans never need one.
    private static int PartDigest(IntPtr L)
    {
        try
        {
            if (!TextObjects.TryGetStringOrText(L, 1, out var bytes)) return HostFunction.Error(L, $"part content expected, got {TypeName(L, 1)}");
            lua_pushboolean(L, 1);
            PushText(L, Convert.ToHexStringLower(SHA512.HashData(bytes)));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    private static void PushPart(IntPtr L, PartInfo part)
    {
        lua_createtable(L, 0, 12);
        SetString(L, "type", part.Type);
        SetString(L, "subtype", part.Subtype);
        SetString(L, "filename", part.FileName);
        SetString(L, "detected_ext", part.DetectedExt);
        PushBytes(L, part.Content);
        lua_setfield(L, -2, "content");
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
