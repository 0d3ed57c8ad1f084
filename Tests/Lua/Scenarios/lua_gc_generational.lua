-- actortcp.lua.gc (default generational): callbacks' short-lived values (a text per partial chunk) are freed by young
-- collections. collectgarbage('incremental') answers the mode it leaves.
print('mode before', collectgarbage('incremental'))
print('mode now', collectgarbage('generational'))
