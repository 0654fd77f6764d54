// Command etcd is a thin wrapper around go.etcd.io/etcd/server/v3/etcdmain so
// hack/build-kube.sh can build a real etcd server from Go modules.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
