#!/usr/bin/env python3
"""Groups two `dotnet-gcdump report` outputs of N idle connections by owner: bytes per connection before and after.

Usage: gcdump_owners.py BEFORE.txt AFTER.txt [N]   (N = 10000 by default; prints a markdown table)
Each type's bytes are its object size times its count (the report's first two columns); a type goes to the first
owner one of whose name pieces it contains.
"""
import sys
def load(f):
    rows={}
    for l in open(f):
        p=l.split(None,2)
        if len(p)<3: continue
        try: b=int(p[0].replace(',','')); c=int(p[1].replace(',',''))
        except: continue
        t=p[2].strip()
        rows[t]=rows.get(t,0)+(b*c if c>1 else b)
    return rows
cats=[
 ('.NET socket (Socket, SafeSocketHandle, SocketAsyncContext, the pending zero-byte receive: AwaitableSocketAsyncEventArgs, BufferMemoryReceiveOperation and its callback; addresses; the epoll engine\'s tables)',
  ['AwaitableSocketAsyncEventArgs','SocketAsyncContext','BufferMemoryReceiveOperation','System.Net.Sockets.Socket ','SafeSocketHandle','System.Action<System.Int32,System.Memory','SocketAddress','IPEndPoint','System.Net.IPAddress','SocketIOEvent']),
 ('ActorTcp transport (SocketTransport, the async receive loop\'s state machine)',['ActorTcp.Actors.Transport.SocketTransport','WaitThenReceiveAsync']),
 ('Akka actor (ActorCell, LocalActorRef, path, mailbox and its queue, Props/Deploy/producer kept by the cell, the parent\'s child stats and container, behaviour delegates)',
  ['Akka.Actor.ActorCell','Akka.Actor.LocalActorRef','ChildActorPath','Akka.Dispatch.Mailbox','SmallQueue','Queue<Akka.Actor.Envelope>','Akka.Actor.Envelope[]','Akka.Actor.Props','Akka.Actor.Deploy','Producer','ChildRestartStats','SortedInt32KeyNode','Akka.Actor.Receive ','Akka.Actor.DefaultActorState','Slot<Akka.Actor.Envelope>']),
 ('Akka full actor state (after a second Become: watch sets, behaviour stack)',['FullActorState','Dictionary<Akka.Actor.IActorRef,Akka.Util.Option','HashSet<Akka.Actor.IActorRef>','Stack<Akka.Actor.Receive>','Akka.Actor.Receive[]']),
 ('Timeout timer (Akka scheduler registration, cancelable)',['SchedulerRegistration','ScheduledTell','Akka.Actor.Cancelable','CancellationTokenSource']),
 ('Connection actor and its parts (request, connector, handler queue, read buffer, read-ahead, write pump, clock)',
  ['ActorTcp.Actors.Connection.']),
 ('Lua side (LuaConnection, its callback references, the host\'s and session\'s tables of connections, the manager\'s set)',
  ['ActorTcp.LuaApi.Modules.LuaConnection','CallbackReferences','ValueTuple<System.Int64,System.Int32>','Dictionary<System.Int64,System.Int32>','Entry<System.Int64,System.Int32>','Entry<System.Int64,ActorTcp.LuaApi.Modules.LuaConnection>','Entry<System.Int64>[]','Entry<Akka.Actor.IActorRef>[]']),
]
a=load(sys.argv[1]); b=load(sys.argv[2])
N=int(sys.argv[3]) if len(sys.argv) > 3 else 10000
def cat_of(t):
    for name,keys in cats:
        for k in keys:
            if k in t: return name
    return 'other (strings, locks, arrays, the host\'s own objects)'
res={}
for t in set(a)|set(b):
    c=cat_of(t)
    x=res.setdefault(c,[0,0]); x[0]+=a.get(t,0); x[1]+=b.get(t,0)
order=[c for c,_ in cats]+['other (strings, locks, arrays, the host\'s own objects)']
ta=tb=0
for c in order:
    x=res.get(c,[0,0]); ta+=x[0]; tb+=x[1]
    print(f"| {c} | {x[0]/N:,.0f} | {x[1]/N:,.0f} |")
print(f"| total managed per connection | {ta/N:,.0f} | {tb/N:,.0f} |")
