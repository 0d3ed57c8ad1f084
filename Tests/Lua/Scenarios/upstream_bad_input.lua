-- Bad input to rspamd_upstream_list (docs/bad_input.md, part U): rspamd's Lua error or nil; where rspamd 3.4 aborts or
-- segfaults (hash or random on an empty list, an unknown watcher event, SRV accessors) a clear error or nil instead.
local ul = require "rspamd_upstream_list"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function show(v) return (tostring(v):gsub('%(%x+%)$', '(ADDR)')) end
local function try(label, f, ...)
  local ok, res = pcall(f, ...)
  print(label, ok, ok and show(res) or strip(res))
end
local l = ul.create(rspamd_config, '127.0.0.1:1,127.0.0.2:2', 3310)
local u = l:get_upstream_round_robin()

try('U1 no argument', ul.create)
try('U2 config only', ul.create, rspamd_config)
try('U3 number def', ul.create, 123)
try('U4 config, number def', ul.create, rspamd_config, 123, 25)
try('U5 boolean def', ul.create, true)
try('U6 foreign userdata first', ul.create, u, '127.0.0.1')
try('U7 nil then def (port position)', ul.create, nil, '127.0.0.1', 25)
try('U8 nil port', ul.create, rspamd_config, '127.0.0.1', nil)
try('U9 port not numeric', ul.create, rspamd_config, '127.0.0.1', 'abc')
try('U10 port table', ul.create, rspamd_config, '127.0.0.1', {})
try('U11 port 70000', ul.create, rspamd_config, '127.0.0.1', 70000)
try('U12 port 0', ul.create, rspamd_config, '127.0.0.1', 0)
try('U13 port -1', ul.create, rspamd_config, '127.0.0.1', -1)
try('U14 port NaN', ul.create, rspamd_config, '127.0.0.1', 0/0)
try('U15 colon call', function() return ul:create('127.0.0.1') end)
try('U16 element port 70000', ul.create, rspamd_config, '127.0.0.1:70000')
try('U17 element port empty', ul.create, rspamd_config, '127.0.0.1:')
try('U18 element bad priority', ul.create, rspamd_config, '127.0.0.1:1:x')
try('U19 unclosed bracket', ul.create, rspamd_config, '[::1:80')
try('U20 inet_aton form', ul.create, rspamd_config, '1.2.3', 25)
try('U21 p2c prefix', ul.create, rspamd_config, 'p2c:127.0.0.1:1')
try('U22 rr on a number', l.get_upstream_round_robin, 5)
try('U23 ms on an upstream', l.get_upstream_master_slave, u)
try('U24 hash without key', l.get_upstream_by_hash, l)
try('U25 hash nil key', l.get_upstream_by_hash, l, nil)
try('U26 hash table key', l.get_upstream_by_hash, l, {})
try('U27 hash on a string self', l.get_upstream_by_hash, 'x', 'k')
try('U28 all on nil', l.all_upstreams)
try('U29 hash on an empty list', function() return ul.create(rspamd_config, {}):get_upstream_by_hash('k') end)
try('U30 random on an empty list', function() return ul.create(rspamd_config, {'random:'}):get_upstream_round_robin() end)
try('U31 watcher unknown event', l.add_watcher, l, 'bogus', print)
try('U32 watcher event number', l.add_watcher, l, 5, print)
try('U33 watcher no function', l.add_watcher, l, 'failure')
try('U34 watcher function number', l.add_watcher, l, 'failure', 6)
try('U35 watcher table with a bad event', l.add_watcher, l, {'failure', 'nope'}, print)
try('U36 watcher on a number self', l.add_watcher, 5, 'failure', print)
try('U37 get_name on a list', u.get_name, l)
try('U38 get_port on nil', u.get_port)
try('U39 get_addr on a string', u.get_addr, 'x')
try('U40 ok on a number', u.ok, 1)
try('U41 fail on a table', u.fail, {})
try('U42 fail odd arguments', u.fail, u, 5, 6)
try('U43 ip method on a number', u:get_addr().to_string, 5)
try('U44 ip method on an upstream', u:get_addr().get_port, u)
local srv = ul.create(rspamd_config, 'service=smtp+nowhere.invalid', 25)
local pending = srv:get_upstream_round_robin()
try('U45 srv pending choice', function() return pending end)
try('U46 srv all_upstreams accessors', function()
  local up = srv:all_upstreams()[1]
  return string.format('%s %s %s', up:get_name(), up:get_port(), tostring(up:get_addr()))
end)
try('U47 request with a list as upstream', require('rspamd_tcp').request,
  {host = servers.host, port = servers.lines, upstream = l, callback = print})
try('U48 request with a string upstream and no host', require('rspamd_tcp').request,
  {port = servers.lines, upstream = 'x', callback = print})

-- The host still serves.
local ok = ul.create(rspamd_config, servers.host .. ':' .. servers.lines)
require('rspamd_tcp').request{upstream = ok:get_upstream_round_robin(), data = 'x\r\n', stop_pattern = '\r\n',
  callback = function(err, data) print('after', err, data and tostring(data)) end}
