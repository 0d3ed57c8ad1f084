-- A scanner-style plugin: one upstream list of two backends, round robin, and a retransmit loop in the style of
-- rspamd's lua_scanners (clamav, spamassassin, ...): on an error the request goes again to the next upstream. One
-- backend refuses every connection: it collects a failure per attempt, goes out of rotation at the fourth, and every
-- task still gets its answer from the other one.
--
--   actortcp run --fixtures examples/upstreams.lua
--   actortcp run examples/upstreams.lua 'HOST:PORT,HOST:PORT'     (any line echo servers)
local rspamd_tcp = require 'rspamd_tcp'
local upstream_list = require 'rspamd_upstream_list'

local servers = arg[1]
if not servers then
  assert(fixtures, "give 'HOST:PORT,HOST:PORT', or run with --fixtures")
  servers = string.format('%s:%d,%s:%d', fixtures.host, fixtures.refused, fixtures.host, fixtures.echo)
end

local rule = { retransmits = 2, timeout = 2, tasks = 6 }
-- As the scanners do at configuration time; rspamd_config is the host's config object.
rule.upstreams = upstream_list.create(rspamd_config, servers)
if not rule.upstreams then error('cannot parse servers: ' .. servers) end
rule.upstreams:add_watcher('offline', function(event, upstream, errors)
  -- A watcher runs as a callback of its own, after the request callback that caused the event.
  print(string.format('upstream %s went %s after %d errors', upstream:get_name(), event, errors))
end)

local answers, answered, attempts, failed_attempts = {}, 0, 0, 0

local function finish(id, answer)
  answers[id] = answer
  answered = answered + 1
  if answered < rule.tasks then return end
  for i = 1, rule.tasks do print(string.format('task %d: %s', i, answers[i])) end
  print(string.format('%d tasks answered in %d attempts, %d of them failed', rule.tasks, attempts, failed_attempts))
end

local function scan(id, payload)
  local retransmits = rule.retransmits

  local function send(upstream, callback)
    attempts = attempts + 1
    local addr = upstream:get_addr()
    rspamd_tcp.request({
      host = addr:to_string(),
      port = addr:get_port(),
      upstream = upstream,      -- the request tells the upstream how it went: fail() on an error, ok() on a reply
      timeout = rule.timeout,
      data = payload .. '\n',
      stop_pattern = '\n',
      callback = callback,
    })
  end

  local function callback(err, data)
    if err then
      failed_attempts = failed_attempts + 1
      if retransmits > 0 then
        retransmits = retransmits - 1
        send(rule.upstreams:get_upstream_round_robin(), callback)
      else
        finish(id, 'failed: ' .. err)
      end
      return
    end
    finish(id, tostring(data))
  end

  send(rule.upstreams:get_upstream_round_robin(), callback)
end

for id = 1, rule.tasks do scan(id, 'message ' .. id) end
