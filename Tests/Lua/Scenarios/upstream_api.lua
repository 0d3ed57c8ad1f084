-- rspamd_upstream_list's surface as rspamd 3.4 shows it (docs/upstreams.md): the module, create's forms and outcomes,
-- the list and upstream methods, rspamd{ip}, tostring forms (addresses masked), prefixes and the table form.
local ul = require "rspamd_upstream_list"
local function mask(s) return (tostring(s):gsub('%(%x+%)$', '(ADDR)')) end
local keys = {}
for k in pairs(ul) do keys[#keys + 1] = k end
print('module', type(ul), table.concat(keys, ','), ul == rspamd_upstream_list)
print('config', type(rspamd_config), mask(rspamd_config))

local l = ul.create(rspamd_config, '127.0.0.1:1,127.0.0.2:2:5;127.0.0.3 [::1]:80 /tmp/x.sock', 3310)
print('list', type(l), mask(l))
for i, u in ipairs(l:all_upstreams()) do
  local a = u:get_addr()
  print('up', i, mask(u), u:get_name(), u:get_port(), tostring(a), a:to_string(), a:to_string(true), a:get_port(),
    a:get_version(), a:is_valid())
end
print('fresh userdata', l:get_upstream_round_robin() == l:get_upstream_round_robin())
local ip1 = l:all_upstreams()[1]:get_addr()
print('ip eq', ip1 == l:all_upstreams()[1]:get_addr(), ip1 == l:all_upstreams()[2]:get_addr(), ip1 == l)

-- Without a config; without a default port an element without port is dropped (nil: nothing parsed).
print('no cfg', mask(ul.create('127.0.0.1:25')), ul.create('127.0.0.1'), mask(ul.create('127.0.0.1', 25)))
print('port string', ul.create(rspamd_config, '127.0.0.1', '26'):get_upstream_round_robin():get_port())
print('port fraction', ul.create(rspamd_config, '127.0.0.1', 25.9):get_upstream_round_robin():get_port())
print('nothing parses', ul.create(rspamd_config, ''), ul.create(rspamd_config, ' ,;'), ul.create(rspamd_config, 'random:'),
  ul.create(rspamd_config, '127.0.0.1:70000'))
print('some parse', #ul.create(rspamd_config, '127.0.0.1:1,127.0.0.1:0,127.0.0.2:2'):all_upstreams())
local names = {}
for _, u in ipairs(ul.create(rspamd_config, '::1 [fe80::1]:25:3 LOCALHOST:80', 11333):all_upstreams()) do
  names[#names + 1] = u:get_name()
end
print('names', table.concat(names, ' '))

-- The table form: always a list; values are whole definitions, numbers as text, others skipped.
local t = ul.create(rspamd_config, {'127.0.0.1:1', 'random:127.0.0.2:2,127.0.0.3:3', true}, 3310)
print('table', #t:all_upstreams(), #ul.create(rspamd_config, {}):all_upstreams())
print('empty list', ul.create(rspamd_config, {}):get_upstream_round_robin(), ul.create(rspamd_config, {}):get_upstream_by_hash('k'),
  ul.create(rspamd_config, {'random:'}):get_upstream_round_robin())

-- Selection: round robin rotates, master-slave takes the first, hash is rspamd 3.4's, prefixes override.
local three = ul.create(rspamd_config, '127.0.0.1:1,127.0.0.2:2,127.0.0.3:3')
local function picks(f, n, ...)
  local out = {}
  for i = 1, n do out[i] = f(...):get_name():sub(-1) end
  return table.concat(out)
end
print('rr', picks(three.get_upstream_round_robin, 6, three))
print('ms', picks(three.get_upstream_master_slave, 3, three, 'ignored key'))
local hashed = {}
for i = 0, 39 do hashed[#hashed + 1] = three:get_upstream_by_hash('key' .. i):get_name():sub(-1) - 1 end
print('hash', table.concat(hashed))
print('hash number key', three:get_upstream_by_hash(123):get_name() == three:get_upstream_by_hash('123'):get_name())
local ms = ul.create(rspamd_config, 'master-slave:127.0.0.1:1,127.0.0.2:2')
print('ms prefix', picks(ms.get_upstream_round_robin, 3, ms), picks(ms.get_upstream_by_hash, 3, ms, 'k'))
local rr = ul.create(rspamd_config, 'ROUND-ROBIN:127.0.0.1:1,127.0.0.2:2')
print('rr prefix', picks(rr.get_upstream_master_slave, 4, rr))
local weighted = ul.create(rspamd_config, '127.0.0.1:1:3,127.0.0.2:2:1')
print('weights', picks(weighted.get_upstream_round_robin, 8, weighted))
