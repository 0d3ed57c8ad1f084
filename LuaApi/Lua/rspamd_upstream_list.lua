-- rspamd_upstream_list: create(), the rspamd{upstream_list} and rspamd{upstream} methods, rspamd{ip} and the global
-- rspamd_config. Argument decoding and error texts are rspamd's (docs/upstreams.md); the raw host functions never
-- raise: they answer `true, values...` or `false, message` and the wrappers here raise.
local raw = ...
local error, type, select, tostring, tonumber, pairs = error, type, select, tostring, tonumber, pairs
local getmetatable, format, floor, ceil = getmetatable, string.format, math.floor, math.ceil
local getuservalue = raw.getuservalue

local config_mt, list_mt, upstream_mt, ip_mt = raw.config_mt, raw.upstream_list_mt, raw.upstream_mt, raw.ip_mt

-- The __tostring of lists, upstreams and rspamd_config: rspamd's `class(address)`. A wrapper, as Lua keeps only a
-- metamethod's first result.
local raw_class_tostring = raw.class_tostring
local function class_tostring(self)
  local ok, text = raw_class_tostring(self)
  if not ok then error(text, 2) end
  return text
end

-- What luaL_typename says of argument n of a call with the given arguments ("no value" past the last one).
local function arg_type(n, ...)
  if select('#', ...) < n then return 'no value' end
  return type((select(n, ...)))
end

-- luaL_checknumber's rules for the default port (numbers and numeric strings), then our range check: rspamd wraps
-- 70000 to 4464 and -1 to 65535; a port that does not exist is refused here.
local function default_port(n, ...)
  local value = select(n, ...)
  local number = tonumber(value)
  if (type(value) ~= 'number' and type(value) ~= 'string') or number == nil then
    error(format("bad argument #%d to '?' (number expected, got %s)", n, arg_type(n, ...)), 3)
  end
  local port = number >= 0 and floor(number) or ceil(number)
  if port ~= port or port < 1 or port > 65535 then
    -- NaN prints as "nan" or "-nan" by its sign bit; the plugin wrote 0/0 either way.
    local shown = number ~= number and 'nan' or tostring(value)
    error(format("bad argument #%d to '?' (default port must be in 1..65535, got %s)", n, shown), 3)
  end
  return port
end

local upstream_list = {}

-- create([cfg,] def [, default_port]): with a userdata first (it must be rspamd_config) def and port move one place on.
function upstream_list.create(...)
  local first = ...
  local def_pos = 1
  if type(first) == 'userdata' then
    if getmetatable(first) ~= config_mt then error("bad argument #1 to '?' ('config' expected)", 2) end
    def_pos = 2
  end
  local def = select(def_pos, ...)
  local port
  if select('#', ...) > def_pos then port = default_port(def_pos + 1, ...) end

  if type(def) == 'table' then
    -- Every value is a whole definition (keys are ignored); numbers count as their text, anything else is logged and
    -- skipped. A copy, so the host reads plain strings.
    local plain, n = {}, 0
    for _, value in pairs(def) do
      n = n + 1
      local t = type(value)
      plain[n] = (t == 'string' or t == 'number') and tostring(value) or false
    end
    def = plain
  elseif type(def) ~= 'string' then
    error('invalid arguments', 2)
  end
  local ok, list = raw.ups_create(def, port)
  if not ok then error(list, 2) end
  return list
end

local METHOD_ROUND_ROBIN, METHOD_MASTER_SLAVE, METHOD_HASH = 0, 1, 2

local list_methods = {}

function list_methods:get_upstream_round_robin()
  local ok, upstream = raw.ups_select(self, METHOD_ROUND_ROBIN)
  if not ok then error(upstream, 2) end
  return upstream
end

function list_methods:get_upstream_master_slave()
  local ok, upstream = raw.ups_select(self, METHOD_MASTER_SLAVE)
  if not ok then error(upstream, 2) end
  return upstream
end

function list_methods:get_upstream_by_hash(...)
  local ok, upstream = raw.ups_select(self, METHOD_HASH, ...)
  if not ok then error(upstream, 2) end
  return upstream
end

function list_methods:all_upstreams()
  local ok, all = raw.ups_all(self)
  if not ok then error(all, 2) end
  return all
end

local EVENT_BITS = { success = 1, failure = 2, online = 4, offline = 8 }

local function event_bit(name)
  local bit = type(name) == 'string' and EVENT_BITS[name]
  if not bit then
    error(format("add_watcher: unknown event %s (success, failure, online or offline)",
      type(name) == 'string' and "'" .. name .. "'" or 'of type ' .. type(name)), 3)
  end
  return bit
end

-- add_watcher(event, cb) or add_watcher({event, ...}, cb): cb(event, upstream, errors) runs as a callback turn of its
-- own after the code that caused the event returned. rspamd aborts the process on an unknown event name, and its table
-- form is broken; here the first raises and the second works.
function list_methods:add_watcher(what, cb)
  local events = 0
  if type(what) == 'string' then
    events = event_bit(what)
  elseif type(what) == 'table' then
    for _, name in pairs(what) do events = events | event_bit(name) end
  else
    local ok, err = raw.ups_watch(self, 0, nil) -- rspamd checks self first
    error(ok and 'invalid arguments' or err, 2)
  end
  local ok, err = raw.ups_watch(self, events, cb)
  if not ok then error(err, 2) end
end

list_mt.__index = list_methods
list_mt.__tostring = class_tostring
list_mt.class = 'rspamd{upstream_list}'

local methods = {}

function methods:get_name()
  local ok, name = raw.up_name(self)
  if not ok then error(name, 2) end
  return name
end

function methods:get_port()
  local ok, port = raw.up_port(self)
  if not ok then error(port, 2) end
  return port
end

-- Moves the upstream's address rotation on, as every request made with it does.
function methods:get_addr()
  local ok, addr = raw.up_addr(self)
  if not ok then error(addr, 2) end
  return addr
end

function methods:ok()
  local ok, err = raw.up_ok(self)
  if not ok then error(err, 2) end
end

-- fail([addr_failure [, reason]]) or fail(reason): the reason is only logged (at debug), as in rspamd.
function methods:fail(addr_failure)
  local ok, err = raw.up_fail(self, type(addr_failure) == 'boolean' and addr_failure)
  if not ok then error(err, 2) end
end

upstream_mt.__index = methods
upstream_mt.__tostring = class_tostring
upstream_mt.class = 'rspamd{upstream}'

-- rspamd{ip}: an address and port, or a unix socket path; its data sit in the userdata's user value.
local function ip_data(ip)
  local data = type(ip) == 'userdata' and getmetatable(ip) == ip_mt and getuservalue(ip, 1)
  if not data then error("bad argument #1 to '?' ('ip' expected)", 3) end
  return data
end

local ip_methods = {}

function ip_methods:to_string(with_port)
  local data = ip_data(self)
  if with_port then return data.full end
  return data.text
end

function ip_methods:get_port() return ip_data(self).port end
function ip_methods:get_version() return ip_data(self).version end
function ip_methods:is_valid() ip_data(self) return true end

ip_mt.__index = ip_methods
ip_mt.__tostring = function(self) return ip_data(self).text end
ip_mt.__eq = function(a, b)
  local x = getmetatable(a) == ip_mt and getuservalue(a, 1)
  local y = getmetatable(b) == ip_mt and getuservalue(b, 1)
  return x and y and x.full == y.full or false
end
ip_mt.class = 'rspamd{ip}'

config_mt.__index = {}
config_mt.__tostring = class_tostring
config_mt.class = 'rspamd{config}'

local ok, config = raw.config_new()
if not ok then error(config) end
rspamd_config = config
raw.provide('rspamd_upstream_list', upstream_list)
