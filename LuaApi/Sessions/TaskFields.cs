using System.Globalization;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Sessions;

/// <summary>The caller's fields of a task, as the Lua table a task object is made of.</summary>
internal static class TaskFields
{
    /// <summary>
    /// Pushes a table holding <paramref name="fields"/>; null values are left out. False (nothing pushed) with the
    /// field's name in <paramref name="bad"/> when a value has a type Lua cannot hold.
    /// </summary>
    public static bool TryPush(IntPtr L, IReadOnlyDictionary<string, object?> fields, out string? bad)
    {
        bad = null;
        lua_createtable(L, 0, fields.Count);
        foreach (var (name, value) in fields)
        {
            if (value is null) continue;
            if (!TryPushValue(L, value))
            {
                lua_pop(L, 1);
                bad = name;
                return false;
            }
            // Raw set on a fresh table: no metamethod can run.
            PushText(L, name);
            lua_insert(L, -2);
            lua_rawset(L, -3);
        }
        return true;
    }

    private static bool TryPushValue(IntPtr L, object value)
    {
        switch (value)
        {
            case string text:
                PushText(L, text);
                return true;
            case byte[] bytes:
                PushBytes(L, bytes);
                return true;
            case ReadOnlyMemory<byte> memory:
                PushBytes(L, memory.Span);
                return true;
            case bool flag:
                lua_pushboolean(L, flag ? 1 : 0);
                return true;
            case int or long or short or sbyte or byte or ushort or uint:
                lua_pushinteger(L, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return true;
            case double or float or decimal:
                lua_pushnumber(L, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }
}
