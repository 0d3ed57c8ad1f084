-- rspamd_regexp: create, create_cached, get_cached, import_plain, import_glob and the regexp methods match and search,
-- over raw.regexp_* (RegexpModule.cs). As in rspamd, a pattern that does not compile gives nil and a log line, not an
-- error; a wrong argument type is an error naming it.
local raw = ...
local error, type, tostring, setmetatable, format, gsub = error, type, tostring, setmetatable, string.format, string.gsub
local regexp_new, regexp_match, regexp_search = raw.regexp_new, raw.regexp_match, raw.regexp_search
local regexp_mt = raw.regexp_mt
local log = raw.log

local patterns = setmetatable({}, {__mode = 'k'}) -- regexp -> its pattern text
local cached = {} -- pattern -> regexp (create_cached, get_cached: kept for the host's life, as rspamd's cache)

local function create(pattern, flags, level)
  if type(pattern) ~= 'string' then
    error(format("bad argument #1 to 'create' (string expected, got %s)", type(pattern)), level)
  end
  if type(flags) == 'string' and flags ~= '' then pattern = '/' .. pattern .. '/' .. flags end
  local ok, re, err = regexp_new(pattern)
  if not ok then error(re, level) end
  if not re then
    log('info', format('cannot parse regexp: %s, error: %s', pattern, err))
    return nil
  end
  patterns[re] = pattern
  return re
end

local function create_cached(pattern, flags)
  local key = type(flags) == 'string' and flags ~= '' and '/' .. tostring(pattern) .. '/' .. flags or pattern
  local re = cached[key]
  if re then return re end
  re = create(pattern, flags, 3)
  if re then cached[key] = re end
  return re
end

local methods = {}

-- match(subject): whether the regexp matches anywhere in the string or text.
function methods:match(subject)
  local ok, matched = regexp_match(self, subject)
  if not ok then error(matched, 2) end
  return matched
end

-- search(subject): the matched strings in order, or false.
function methods:search(subject)
  local ok, found = regexp_search(self, subject)
  if not ok then error(found, 2) end
  return found
end

function methods:get_pattern() return patterns[self] end

regexp_mt.__index = methods
regexp_mt.__tostring = function(self) return patterns[self] or 'rspamd{regexp}' end
regexp_mt.class = 'rspamd{regexp}'

-- A glob (`*`, `?`) or a plain string as a regexp matching it whole / literally.
local function escape(s) return (gsub(s, '[%^%$%(%)%%%.%[%]%*%+%-%?%{%}|\\/]', '\\%0')) end

raw.provide('rspamd_regexp', {
  create = function(pattern, flags) return create(pattern, flags, 3) end,
  create_cached = create_cached,
  get_cached = function(pattern) return cached[pattern] end,
  import_plain = function(s, flags) return create(escape(s), flags, 3) end,
  import_glob = function(s, flags)
    local re = gsub(escape(s), '\\%*', '.*')
    re = gsub(re, '\\%?', '.')
    return create('^' .. re .. '$', flags, 3)
  end,
})
