-- A scanner plugin for a cluster of `actortcp node`s, in the style of rspamd's lua_scanners: the task names its
-- backends (task.servers = 'HOST:PORT,HOST:PORT', line-echo servers), each node keeps one upstream list per such
-- definition, picks a backend round robin and, on an error, tries the next one (at most `retransmits` more times).
-- Backend health is the node's and, in a cluster, every node's: a backend that went dead on one node is skipped by
-- all of them (docs/upstreams.md).
--
--   actortcp node --port 4053 --plugin examples/cluster_scanner.lua
--   actortcp submit --contact 127.0.0.1:4053 scan servers=127.0.0.1:7001,127.0.0.1:7002
--
-- The task's result: SCAN_OK with the backend that answered, or SCAN_FAIL with the last error; plus one SCAN_RETRY
-- per failed attempt, naming the backend and its error.
local rspamd_tcp = require 'rspamd_tcp'
local upstream_list = require 'rspamd_upstream_list'

local retransmits = 2
local lists = {}

local function upstreams_of(servers)
  local list = lists[servers]
  if not list then
    list = upstream_list.create(rspamd_config, servers)
    if not list then error('cannot parse servers: ' .. tostring(servers)) end
    lists[servers] = list
  end
  return list
end

function scan(task)
  local servers = assert(task.servers, 'the task has no servers field')
  local list = upstreams_of(servers)
  local left = retransmits

  local function attempt()
    local upstream = list:get_upstream_round_robin()
    local addr = upstream:get_addr()
    rspamd_tcp.request{
      task = task,
      host = addr:to_string(),
      port = addr:get_port(),
      upstream = upstream,      -- fail() on an error, ok() on a reply
      timeout = 2,
      data = (task.payload or 'scan') .. '\n',
      stop_pattern = '\n',
      callback = function(err, data)
        if not err then
          task:insert_result('SCAN_OK', 0, upstream:get_name())
          return
        end
        task:insert_result('SCAN_RETRY', 0, upstream:get_name(), err)
        if left > 0 then
          left = left - 1
          attempt()
        else
          task:insert_result('SCAN_FAIL', 1, err)
        end
      end,
    }
  end

  attempt()
end
