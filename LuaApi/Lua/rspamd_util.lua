-- rspamd_util: the parts plugins and rspamd's lua_scanners use (raw.util_* in LoggerModule.cs), and the global
-- rspamd_version. The table holds nothing else, so a plugin that needs more of rspamd_util fails where it calls it
-- rather than getting a stand-in.
local raw = ...
local error, type, select, pack = error, type, select, string.pack
local util_time, util_ticks, util_time_string, util_hostname = raw.util_time, raw.util_ticks, raw.util_time_string,
  raw.util_hostname

raw.provide('rspamd_util', {
  -- Wall clock: seconds since the Unix epoch, with a fraction.
  get_time = function()
    local _, now = util_time()
    return now
  end,
  -- Monotonic seconds (an arbitrary origin): for measuring intervals.
  get_ticks = function()
    local _, now = util_ticks()
    return now
  end,
  -- A time as an HTTP date, `Tue, 14 Nov 2023 22:13:20 GMT`; no argument: now.
  time_to_string = function(...)
    local t = ...
    if select('#', ...) > 0 and type(t) ~= 'number' then
      error("bad argument #1 to 'time_to_string' (number expected, got " .. type(t) .. ")", 2)
    end
    local ok, text = util_time_string(t)
    if not ok then error(text, 2) end
    return text
  end,
  -- The machine's host name (gethostname).
  get_hostname = function()
    local ok, name = util_hostname()
    if not ok then error(name, 2) end
    return name
  end,
  -- Lua's string.pack itself: rspamd's pack is a copy of Lua 5.3's, formats, results and errors alike.
  pack = pack,
})

-- rspamd_version([what]): rspamd's answers for the version ActorTcp's API follows, 3.4.
local versions = {main = '3.4', id = 'release', major = 3, minor = 4}
rspamd_version = function(what)
  if what == nil then return versions.main end
  return versions[what]
end
