-- 100 MB of data (issue 8 item 1): a request's data, an add_write and a sync write of 100 MB reach the peer whole
-- (the default max-queued-write-bytes is 256 MiB); the peer counts without keeping them.
-- @timeout: 60
local tcp = require 'rspamd_tcp'
local text = require 'rspamd_text'
local big = string.rep('x', 100 * 1024 * 1024)

local ok, conn = tcp.connect_sync{host = servers.host, port = servers.count, timeout = 30}
print('sync write', conn:write(big))
conn:shutdown()
local rok, reply = conn:read_once()
print('sync reply', rok, esc(reply))
conn:close()

tcp.request{host = servers.host, port = servers.count, data = {big, text.fromstring('!')}, shutdown = true,
  stop_pattern = '\n', timeout = 30, callback = function(err, data)
    print('request data', err, esc(data))
    -- a probe whose on_connect queues the 100 MB write (its request callback is never called: nothing of its own)
    tcp.request{host = servers.host, port = servers.count, read = false, timeout = 30, on_connect = function(c)
      c:add_write(function(werr, wconn)
        print('add_write', werr, is_conn(wconn))
      end, big)
    end, callback = function() end}
  end}
