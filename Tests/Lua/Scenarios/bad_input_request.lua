-- Bad input to rspamd_tcp.request (docs/bad_input.md, part A): each case is a Lua error naming the argument, or
-- rspamd's documented `false` / callback error; afterwards the host still serves a normal request.
-- @timeout: 20
local tcp = require "rspamd_tcp"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function try(label, ...)
  local ok, res = pcall(tcp.request, ...)
  print(label, ok, ok and tostring(res) or strip(res))
end
local noop = function() end
local function base(extra)
  local t = {host = servers.host, port = servers.lines, callback = noop}
  for k, v in pairs(extra) do t[k] = v end
  return t
end

try('A1 no argument')
try('A2 nil', nil)
try('A3 number', 42)
try('A4 string', 'x')
try('A5 missing host', {port = servers.lines, callback = noop})
try('A6 host boolean', base{host = true})
try('A7 host table', base{host = {}})
try('A8 host empty', base{host = ''})
try('A9 no callback', {host = servers.host, port = servers.lines})
try('A10 callback string', base{callback = 'cb'})
try('A11 port 65536', base{port = 65536})
try('A12 port -1', base{port = -1})
try('A13 port 1.5', base{port = 1.5})
try('A14 port NaN', base{port = 0/0})
try('A15 port huge', base{port = math.huge})
try('A16 timeout NaN', base{timeout = 0/0})
try('A17 timeout huge', base{timeout = math.huge})
try('A18 timeout 1e300', base{timeout = 1e300})
try('A19 read_timeout NaN', base{read_timeout = 0/0})
try('A20 connect_timeout huge', base{connect_timeout = 1e9})
try('A21 write_timeout NaN', base{write_timeout = 0/0})
try('A22 data table with number', base{data = {'a', 5}})
try('A23 data table with table', base{data = {'a', {'b'}}})
try('A24 data table with boolean', base{data = {true}})
try('A25 upstream not an upstream object', base{upstream = {}})
try('A26 raising __index', setmetatable({}, {__index = function(_, k) error('no field ' .. k, 0) end}))
try('A27 data table with function', base{data = {print}})

-- Cases that are accepted and end in a callback (one after the other, so the output order is fixed).
local steps = {}
local function step(label, params)
  steps[#steps + 1] = function(next_step)
    local cb = params.callback
    params.callback = function(err, data)
      print(label, err and 'error' or 'ok', esc(err or data))
      if cb then cb(err, data) end
      next_step()
    end
    local ok, res = pcall(tcp.request, params)
    if not ok or res ~= true then print(label, 'returned', ok, strip(res)) end
  end
end
step('B1 port "25" is port 0', {host = servers.host, port = '25', timeout = 2})
step('B2 port 0', {host = servers.host, port = 0, timeout = 2})
step('B3 negative timeout = no timer', {host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', timeout = -5})
step('B4 timeout string ignored', {host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', timeout = 'x'})
step('B5 data number ignored', {host = servers.host, port = servers.banner, data = 42, stop_pattern = '\r\n'})
step('B6 data empty table', {host = servers.host, port = servers.banner, data = {}, stop_pattern = '\r\n'})
step('B7 data with hole', {host = servers.host, port = servers.hexdump, data = {'a', nil, 'b'}, shutdown = true, stop_pattern = '\n'})
step('B8 data with string keys', {host = servers.host, port = servers.hexdump, data = {x = 'k'}, shutdown = true, stop_pattern = '\n'})
step('B9 stop_pattern number ignored', {host = servers.host, port = servers.banner, stop_pattern = 42})
step('B10 empty stop_pattern', {host = servers.host, port = servers.banner, stop_pattern = ''})
step('B11 on_error string ignored', {host = servers.host, port = servers.closed, on_error = 'x'})
step('B12 on_connect number ignored', {host = servers.host, port = servers.banner, stop_pattern = '\r\n', on_connect = 5})
step('B14 empty data string', {host = servers.host, port = servers.banner, data = '', stop_pattern = '\r\n'})
step('B15 unknown host', {host = servers.unknown_name, port = servers.banner})
-- From a coroutine the plugin made: request does not wait, so it works there; its callback runs in a host coroutine.
steps[#steps + 1] = function(next_step)
  local ok, res = coroutine.wrap(function()
    return pcall(tcp.request, {host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data)
      print('B16 request from a plugin coroutine', err and 'error' or 'ok', esc(err or data), coroutine.isyieldable())
      next_step()
    end})
  end)()
  print('B16 returned', ok, res)
end
step('B17 after all that, a normal request', {host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n'})

local i = 0
local function next_step()
  i = i + 1
  if steps[i] then steps[i](next_step) end
end
next_step()
