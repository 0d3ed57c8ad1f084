-- An upstream's address with the request's host for TLS: a certificate for example.com served on 127.0.0.1 verifies
-- when host = 'example.com' is given, and not against the address; a DNS name in a definition has no address until
-- the resolver actor answers (never looked up on the Lua thread), then is chosen.
-- @max-seconds: 10
local ul = require "rspamd_upstream_list"
local tcp = require "rspamd_tcp"
local function mask(s) return (tostring(s):gsub(':%d+', ':PORT')) end
local tls_up = ul.create(rspamd_config, servers.host .. ':' .. servers.tls_wrong_name):get_upstream_round_robin()
local named = ul.create(rspamd_config, servers.dns_name .. ':' .. servers.lines)
print('name before the answer', named:get_upstream_round_robin(), named:all_upstreams()[1]:get_addr())

-- Waits (bounded) for the resolver's answer to reach this host: each try is a request the close_later server ends after ~1 s.
local function when_named(f, tries)
  if named:get_upstream_round_robin() or tries == 0 then return f() end
  tcp.request{host = servers.host, port = servers.close_later, read = true, callback = function() when_named(f, tries - 1) end}
end

tcp.request{upstream = tls_up, host = 'example.com', ssl = true, data = 'x', stop_pattern = '\n', timeout = 3,
  callback = function(err, data)
    print('tls with host', err, tostring(data))
    tcp.request{upstream = tls_up, ssl = true, data = 'x', timeout = 3, callback = function(err2)
      print('tls without host', err2 ~= nil)
      when_named(function()
        local up = named:get_upstream_round_robin()
        print('name after', mask(up:get_name()), tostring(up:get_addr()))
        tcp.request{upstream = up, data = 'n\r\n', stop_pattern = '\r\n', callback = function(err3, data3, conn)
          print('via name', err3, tostring(data3), mask(conn))
        end}
      end, 5)
    end}
  end}
