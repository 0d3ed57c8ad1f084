-- lua_tcp_sync: an 8 MiB body arriving in many reads, up to a stop pattern split across two sends, then the rest.
-- The read must stay linear in the body's size (the wrapper once appended every read to one string). The time of the
-- read goes to the log, not to the output: it is a measurement, not a check.
local tcp_sync = require "lua_tcp_sync"
local rspamd_util = require "rspamd_util"
local rspamd_logger = require "rspamd_logger"
local ok, s = tcp_sync.connect{host = servers.host, port = servers.big_body, timeout = 10}
print('connect', ok)
local started = rspamd_util.get_ticks()
local read_ok, body = s:read_until('\r\nEND\r\n')
local elapsed = rspamd_util.get_ticks() - started
print('read_until', read_ok, #body, body == string.rep('0123456789abcdef', 524288))
rspamd_logger.infox('sync_wrapper_big_body: read_until of %s bytes took %s ms', #body, math.floor(elapsed * 1000))
report('read_until_eof', s:read_until_eof())
report('eof', s:eof())
s:close()
