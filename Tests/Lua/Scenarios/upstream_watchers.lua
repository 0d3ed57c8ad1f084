-- Watchers and shared health: events run as callback turns of their own after the code that caused them returned;
-- an error in one is logged and the others run; lists naming the same backend share its health (the key is host:port
-- after defaults), and a list whose upstreams are all dead revives them all (online) at its next choice.
-- @log: watch function for upstream failed
local ul = require "rspamd_upstream_list"
-- Globals, as a plugin keeps its lists: the watchers run after this chunk has returned, and a list the collector took
-- by then has taken its watchers with it.
a = ul.create(rspamd_config, '127.0.0.1:1,127.0.0.2:2')
b = ul.create(rspamd_config, {'127.0.0.1', '127.0.0.3:3'}, 1)   -- 127.0.0.1 with the default port 1
a:add_watcher({'failure', 'offline', 'online', 'success'}, function(event, up, errors)
  print('a watch', event, up:get_name(), errors)
end)
b:add_watcher('offline', function() error('watcher failure on purpose') end)
b:add_watcher('offline', function(event, up, errors) print('b watch', event, up:get_name(), errors) end)

local first = a:all_upstreams()[1]
first:fail()
print('after fail (watchers not run yet)')
first:ok()
print('after ok')
for _ = 1, 4 do first:fail() end
print('after four failures')
local picks = {}
for i = 1, 4 do picks[i] = b:get_upstream_round_robin():get_name() end
print('b picks', table.concat(picks, ' '))
first:fail()  -- dead: changes nothing
-- Everything of a is dead now: the next choice revives all of them.
a:all_upstreams()[2]:fail() a:all_upstreams()[2]:fail() a:all_upstreams()[2]:fail() a:all_upstreams()[2]:fail()
print('a choice', a:get_upstream_round_robin() ~= nil)
