-- ActorTcp's compatible lua_util: what rspamd's lua_scanners call of rspamd's lua_util (3.4), without LPeg.
-- Preloaded by rspamd_lualib.lua only when no native LPeg is configured (actortcp.lua.lpeg), since rspamd's own
-- lua_util builds LPeg grammars as it loads. Each function keeps rspamd's results, corner cases included; a caller
-- that needs more of lua_util gets nil for the missing function and should configure LPeg (docs/scanners.md).
local logger = require "rspamd_logger"
local error, type, pairs, ipairs, tostring, format = error, type, pairs, ipairs, tostring, string.format
local find, sub, gsub, match = string.find, string.sub, string.gsub, string.match

local exports = {}

-- override_defaults(def, override): a new table, `override` over `def`, tables merged recursively; either argument
-- that is not a table gives the other as it is.
local function override_defaults(def, override)
  if not override or type(override) ~= 'table' then return def end
  if not def or type(def) ~= 'table' then return override end
  local res = {}
  for k, v in pairs(override) do
    if type(v) == 'table' and def[k] and type(def[k]) == 'table' then
      res[k] = override_defaults(def[k], v)
    else
      res[k] = v
    end
  end
  for k, v in pairs(def) do
    if type(res[k]) == 'nil' then res[k] = v end
  end
  return res
end
exports.override_defaults = override_defaults

-- str_split(s, sep): the pieces of `s` between any of the characters of `sep` (a set, as lpeg.S takes it), empty
-- pieces kept: 'a,,b' gives {'a', '', 'b'}, '' gives {''}; without `sep`, at each whitespace character (as rspamd's
-- lpeg.S' \t\n\v\f\r'). rspamd also takes an LPeg pattern as `sep`, which needs LPeg.
local function str_split(s, sep)
  if sep == nil then sep = ' \t\n\v\f\r' end
  if type(sep) ~= 'string' then
    error('lua_util.str_split: separator must be a string of characters here (an LPeg pattern needs actortcp.lua.lpeg)', 2)
  end
  if type(s) ~= 'string' then
    error(format("bad argument #1 to 'match' (string expected, got %s)", type(s)), 2)
  end
  local out = {}
  if sep == '' then
    out[1] = s
    return out
  end
  local set = '[' .. gsub(sep, '[%]%^%-%%%[]', '%%%0') .. ']'
  local pos = 1
  while true do
    local at = find(s, set, pos)
    if not at then
      out[#out + 1] = sub(s, pos)
      return out
    end
    out[#out + 1] = sub(s, pos, at - 1)
    pos = at + 1
  end
end
exports.str_split = str_split
exports.rspamd_str_split = str_split

-- template(text, keys): `$NAME` and `${NAME}` (letters, digits, `_`) replaced by keys[NAME]. A name without a value
-- loses only its `$`, `${` and `}` (as LPeg's substitution keeps a capture without a value); a value that is neither
-- a string nor a number is an error, as in rspamd.
local function replacement(keys, name)
  local v = keys[name]
  if v == nil then return name end
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  error(format('invalid replacement value (a %s)', t), 0) -- LPeg's message, without a position
end

exports.template = function(tmpl, keys)
  if type(tmpl) ~= 'string' then error(format("bad argument #1 to 'match' (string expected, got %s)", type(tmpl)), 2) end
  local out, pos, n = {}, 1, #tmpl
  while pos <= n do
    local dollar = find(tmpl, '$', pos, true)
    if not dollar then
      out[#out + 1] = sub(tmpl, pos)
      break
    end
    out[#out + 1] = sub(tmpl, pos, dollar - 1)
    local name, after = match(tmpl, '^%$([A-Za-z0-9_]+)()', dollar)
    if not name then name, after = match(tmpl, '^%${([A-Za-z0-9_]+)}()', dollar) end
    if name then
      out[#out + 1] = replacement(keys, name)
      pos = after
    else
      out[#out + 1] = '$'
      pos = dollar + 1
    end
  end
  return table.concat(out)
end

-- Debug logging by module, as rspamd's: off unless the log level is debug or the module (or an alias of it) was
-- enabled.
local unconditional_debug = logger.log_level() == 'debug'
local debug_modules, debug_aliases = {}, {}
local log_level = 384 -- rspamd's flags for debug + forced

exports.debugm = function(mod, obj_or_fmt, fmt_or_something, ...)
  if unconditional_debug or debug_modules[mod] then
    if type(obj_or_fmt) == 'string' then
      logger.logx(log_level, mod, '', 2, obj_or_fmt, fmt_or_something, ...)
    else
      logger.logx(log_level, mod, obj_or_fmt, 2, fmt_or_something, ...)
    end
  end
end

exports.add_debug_alias = function(mod, alias)
  debug_aliases[alias] = mod
  if debug_modules[mod] then
    debug_modules[alias] = true
    logger.infox(rspamd_config, 'enable debug for Lua module %s (%s aliased)', alias, mod)
  end
end

exports.enable_debug_logging = function() unconditional_debug = true end
exports.disable_debug_logging = function() unconditional_debug = false end
exports.enable_debug_modules = function(...)
  for _, m in ipairs({...}) do debug_modules[m] = true end
end

return exports
