-- rspamd_logger as rspamd 3.4 has it, over raw.log / raw.log_number / raw.log_metatable (LoggerModule.cs).
-- Formats: `%s` the next argument, `%N` argument N, `%%` a percent, `%` + any other character that character, a
-- trailing `%` nothing. Where this differs from 3.4 on purpose:
-- - after `%N`, `%s` takes argument N+1 (3.4 logs `wrong argument number: 0` and gives nil);
-- - `wrong argument number: N` counts from the format (3.4 adds 1 after an id), and `%0` after an id is an error
--   too (3.4 prints the format itself);
-- - only a table's own ancestors print as `ref(ADDRESS)` (3.4 also prints repeated tables so), and nesting deeper
--   than MAX_DEPTH prints `{...}` (3.4 stops at its 8 KB line buffer, which this does not impose).
-- Log lines start with the caller's `file.lua:line: `; errors are raised at the caller (level 2).
local raw = ...
local error, type, select, rawget, rawequal, next = error, type, select, rawget, rawequal, next
local format, find, sub, match, gsub = string.format, string.find, string.sub, string.match, string.gsub
local concat, math_type, floor, tonumber, pcall = table.concat, math.type, math.floor, tonumber, pcall
-- Captured at load: plugins may replace the globals, and their restricted `debug` still has getinfo anyway.
local getinfo = debug.getinfo
local log = raw.log -- true; a line that cannot be written is not the plugin's error
local raw_log_number, raw_log_metatable = raw.log_number, raw.log_metatable

-- Neither fails: the results after their `true` (prelude.lua).
local function log_number(x)
  local _, text = raw_log_number(x)
  return text
end

local function log_metatable(v)
  local _, mt = raw_log_metatable(v)
  return mt
end

-- The deepest table nesting printed; deeper tables print as `{...}` (rspamd stops at its 8 KB line buffer instead).
local MAX_DEPTH = 64

-- `file.lua:line: ` of the function `level` frames up from the caller of `where` (error()'s numbering), as rspamd
-- shows it: the chunk name after its last `/`, cut to 27 characters + `...` when longer than 30. Empty past the stack.
local function where(level)
  local info = getinfo(level + 1, 'Sl')
  if not info then return '' end
  local name = match(info.short_src, '[^/]*$')
  if #name > 30 then name = sub(name, 1, 27) .. '...' end
  return name .. ':' .. info.currentline .. ': '
end

-- The type name Lua's own argument errors use: `no value` for a missing argument.
local function arg_type(i, ...)
  if select('#', ...) < i then return 'no value' end
  return type((select(i, ...)))
end

local function metafield(v, name)
  local mt = log_metatable(v)
  if type(mt) ~= 'table' then return nil end
  return rawget(mt, name)
end

-- Tasks are tables here (userdata in rspamd); config and other objects are userdata.
local function is_id(v)
  local t = type(v)
  return t == 'userdata' or (t == 'table' and metafield(v, '__name') == 'rspamd{task}')
end

-- Bytes neither printable nor whitespace become `\` + two hex digits (bytes >= 0x80 stay); log lines also escape
-- CR and LF so that one call stays one line. Whitespace is GLib's g_ascii_isspace: no vertical tab.
local unprintable = '[^%g \t\n\r\12\128-\255]'
local unprintable_or_newline = '[^%g \t\12\128-\255]'
local hex_escape = {} -- a table, not a function: gsub then makes no call per byte
for b = 0, 255 do hex_escape[string.char(b)] = format('\\%02x', b) end
local function escape(s, pattern)
  if not find(s, pattern) then return s end
  return (gsub(s, pattern, hex_escape))
end

local function number_text(x)
  if math_type(x) == 'integer' then return format('%d', x) end
  return log_number(x)
end

-- rspamd prints keys with lua_tostring: strings and numbers as text (unescaped), anything else as `(NULL)`.
local function key_text(k)
  local t = type(k)
  if t == 'string' then return k end
  if t == 'number' then return math_type(k) == 'integer' and format('%d', k) or format('%.14g', k) end
  return '(NULL)'
end

local value_text

-- `{[1] = a, [2] = b, [key] = value}`: the array part up to the first nil, then the other keys in `next` order
-- without numeric keys up to n + 1 (rspamd's rule). The table itself as a value prints `__self`; a table that is
-- its own ancestor prints `ref(ADDRESS)` as in rspamd (which also prints repeated, non-cyclic tables that way:
-- here they are printed in full).
local function table_text(t, pattern, ancestors, depth)
  if ancestors[t] then return format('ref(%016X)', tonumber(sub(format('%p', t), 3), 16) or 0) end
  if depth > MAX_DEPTH then return '{...}' end
  ancestors[t] = true
  local parts, n = {}, 0
  local function add(key, v)
    local text = rawequal(v, t) and '__self' or value_text(v, pattern, ancestors, depth + 1)
    parts[#parts + 1] = '[' .. key .. '] = ' .. text
  end
  while true do
    local v = rawget(t, n + 1)
    if v == nil then break end
    n = n + 1
    add(format('%d', n), v)
  end
  for k, v in next, t do
    if n == 0 or type(k) ~= 'number' or k > n + 1 then add(key_text(k), v) end
  end
  ancestors[t] = nil
  return '{' .. concat(parts, ', ') .. '}'
end

-- A userdata prints its __tostring (e.g. rspamd{ip} `127.0.0.1`), else its class name (__name), else `userdata`;
-- one without a metatable prints nothing, as in rspamd.
local function userdata_text(u, pattern)
  if log_metatable(u) == nil then return '' end
  local tostr = metafield(u, '__tostring')
  if type(tostr) == 'function' then
    local ok, s = pcall(tostr, u)
    if ok and type(s) == 'string' then return escape(s, pattern) end
  end
  local name = metafield(u, '__name')
  return type(name) == 'string' and name or 'userdata'
end

value_text = function(v, pattern, ancestors, depth)
  local t = type(v)
  if t == 'string' then return escape(v, pattern) end
  if t == 'number' then return number_text(v) end
  if t == 'boolean' then return v and 'true' or 'false' end
  if t == 'nil' then return 'nil' end
  if t == 'function' then return 'function' end
  if t == 'table' then return table_text(v, pattern, ancestors, depth) end
  if t == 'userdata' then return userdata_text(v, pattern) end
  return '' -- a thread (lua_tolstring gives nothing)
end

-- Expands `fmt` with the `n` values after it: the text, or nil and the bad argument number. `fmt` ends at its first
-- NUL (rspamd reads it as a C string).
local function expand(pattern, fmt, ...)
  fmt = match(fmt .. '', '^[^\0]*') -- a number format converts as lua_tostring does
  local n, args = select('#', ...), {...}
  local out, pos, current = {}, 1, 0
  local function argument(i)
    if i > n then return 'no value' end
    return value_text(args[i], pattern, {}, 1)
  end
  while true do
    local p = find(fmt, '%', pos, true)
    if not p then
      out[#out + 1] = sub(fmt, pos)
      break
    end
    out[#out + 1] = sub(fmt, pos, p - 1)
    local c = sub(fmt, p + 1, p + 1)
    if c == 's' then
      current = current + 1
      if current > n + 2 then return nil, format('%d', current) end
      out[#out + 1] = argument(current)
      pos = p + 2
    elseif find(c, '^%d') then
      local digits = match(fmt, '^%d+', p + 1)
      local i = tonumber(digits)
      if i == 0 or i > n + 2 then return nil, (gsub(digits, '^0+(%d)', '%1')) end
      current = i
      out[#out + 1] = argument(i)
      pos = p + 1 + #digits
    else
      out[#out + 1] = c -- `%%` gives `%`, a trailing lone `%` nothing
      pos = p + 2
    end
  end
  return concat(out)
end

-- Logs `fmt` expanded with `...` at `level`, placed at the frame `frame` levels up from emit's caller.
-- Missing or non-text formats (after an id) log nothing, as in rspamd.
local function emit(level, frame, fmt, ...)
  local ft = type(fmt)
  if ft ~= 'string' and ft ~= 'number' then return end
  local text, bad = expand(unprintable_or_newline, fmt, ...)
  if text then
    log(level, where(frame + 1) .. text)
  else
    log('error', where(frame + 1) .. 'wrong argument number: ' .. bad)
  end
end

local function bad_format(...)
  return 'bad format string type: ' .. arg_type(1, ...)
end

-- slog([id,] fmt, ...): the expanded string, or nil (missing format after an id, bad argument number).
local function slog(...)
  local first = ...
  local fmt_at
  if type(first) == 'string' then fmt_at = 1
  elseif is_id(first) then fmt_at = 2
  else error(bad_format(...), 2) end
  local fmt = select(fmt_at, ...)
  local ft = type(fmt)
  if ft ~= 'string' and ft ~= 'number' then return nil end
  local text, bad = expand(unprintable, select(fmt_at, ...))
  if not text then log('error', where(2) .. 'wrong argument number: ' .. bad) end
  return text
end

-- infox and friends: ([id,] fmt, ...) logged at `level`.
local function x_logger(level)
  return function(...)
    local first = ...
    if type(first) == 'string' then emit(level, 2, ...)
    elseif is_id(first) then emit(level, 2, select(2, ...))
    else error(bad_format(...), 2) end
  end
end

-- info and friends: one string (or number) logged as it is; anything else is luaL_checkstring's error.
local function plain_logger(level)
  return function(...)
    local msg = ...
    local t = type(msg)
    if t ~= 'string' and t ~= 'number' then
      error(format("bad argument #1 to '?' (string expected, got %s)", arg_type(1, ...)), 2)
    end
    log(level, where(2) .. msg)
  end
end

-- A debugm/logx stack level (1 = the caller) as a frame number for emit; 0, negatives and NaN count as 1.
local function stack_frame(s)
  if not (s >= 1) then return 2 end
  if s > 1000 then s = 1000 end
  return floor(s) + 1
end

-- rspamd's GLib levels: error 4, critical 8, warning 16, message 32, info 64, debug 128 (the most severe bit wins).
local function glib_level(flags)
  flags = tonumber(flags) or 0
  if not (flags >= 0 and flags < 2^31) then return 'info' end
  flags = floor(flags)
  if flags & 12 ~= 0 then return 'error' end
  if flags & 16 ~= 0 then return 'warning' end
  if flags & 96 ~= 0 then return 'info' end
  if flags & 128 ~= 0 then return 'debug' end
  return 'info'
end

-- debugm(module, id, fmt | stack_level, [fmt,] ...): module a string, id a string or object.
local function debugm(...)
  local module, id, fmt = ...
  local mt = type(module)
  if mt ~= 'string' and mt ~= 'number' then
    error(format("bad argument #1 to '?' (string expected, got %s)", arg_type(1, ...)), 2)
  end
  if type(id) ~= 'string' and not is_id(id) then error('invalid arguments', 2) end
  local ft = type(fmt)
  if ft == 'string' then emit('debug', 2, select(3, ...))
  elseif ft == 'number' then emit('debug', stack_frame(fmt), select(4, ...))
  else error('invalid argument on pos 3', 2) end
end

-- logx(level, module, id, fmt | stack_level, [fmt,] ...): any id is accepted (rspamd 3.4 logs `???` for one that
-- is neither a string nor an object); the module must be a string.
local function logx(...)
  local flags, module, _, fmt = ...
  local mt = type(module)
  if mt ~= 'string' and mt ~= 'number' then error('invalid arguments', 2) end
  local level = glib_level(flags)
  local ft = type(fmt)
  if ft == 'string' then emit(level, 2, select(4, ...))
  elseif ft == 'number' then emit(level, stack_frame(fmt), select(5, ...))
  else error('invalid argument on pos 4', 2) end
end

raw.provide('rspamd_logger', {
  slog = slog,
  errx = x_logger('error'),
  warnx = x_logger('warning'),
  infox = x_logger('info'),
  messagex = x_logger('info'),
  msgx = x_logger('info'),
  debugx = x_logger('debug'),
  err = plain_logger('error'),
  warn = plain_logger('warning'),
  info = plain_logger('info'),
  message = plain_logger('info'),
  msg = plain_logger('info'),
  debug = plain_logger('debug'),
  debugm = debugm,
  logx = logx,
  log_level = function() return 'info' end,
})
