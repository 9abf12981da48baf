package redis

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// ParseURL turns a Redis URL into options for goredis.NewUniversalClient,
// which picks a single-node, Cluster or Sentinel client from them. The form
// is
//
//	redis[s]://[user:password@]host[:port][,host[:port]...][/db][?option=value&...]
//
// and what it connects to depends on the addresses:
//
//   - one address: a single Redis server (the default is localhost:6379);
//   - several comma-separated addresses: seed nodes of a Redis Cluster
//     (the database must then be 0, the only one a cluster has);
//   - master_name=NAME: the addresses are Sentinels watching master NAME;
//     the user and password are the master's (Sentinels without a password
//     only: for anything else build a client yourself and use New).
//
// "rediss" turns on TLS. Other options are those of goredis.ParseURL
// (dial_timeout, read_timeout, pool_size, skip_verify, ...); unknown ones
// are an error. Errors never contain the URL, which may hold a password.
func ParseURL(rawURL string) (*goredis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, errors.New("redis: URL must start with redis:// or rediss://")
	}

	// url.Parse cannot take a list of hosts, so split the authority by hand
	// and let goredis.ParseURL parse one single-host URL per address. That
	// keeps goredis's own handling of user info, ports, IPv6, database and
	// options.
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	userinfo, hostList := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hostList = authority[:i+1], authority[i+1:]
	}
	hosts := strings.Split(hostList, ",")

	tail, master, err := cutMasterName(tail)
	if err != nil {
		return nil, err
	}

	var base *goredis.Options
	addrs := make([]string, 0, len(hosts))
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" && len(hosts) > 1 {
			return nil, errors.New("redis: empty address in URL's address list")
		}
		o, err := goredis.ParseURL(scheme + "://" + userinfo + h + tail)
		if err != nil {
			return nil, redact(err)
		}
		if base == nil {
			base = o
		}
		addrs = append(addrs, o.Addr)
	}

	if len(addrs) > 1 && master == "" && base.DB != 0 {
		return nil, fmt.Errorf("redis: database %d requested, but a Redis Cluster (several addresses) has only database 0", base.DB)
	}
	if base.TLSConfig != nil && (len(addrs) > 1 || master != "") {
		// goredis pins the TLS server name to the first host. With several
		// servers, an empty name makes crypto/tls check each connection's
		// certificate against the host it dialled.
		base.TLSConfig.ServerName = ""
	}

	return &goredis.UniversalOptions{
		Addrs:      addrs,
		MasterName: master,
		ClientName: base.ClientName,
		DB:         base.DB,
		Protocol:   base.Protocol,
		Username:   base.Username,
		Password:   base.Password,

		MaxRetries:      base.MaxRetries,
		MinRetryBackoff: base.MinRetryBackoff,
		MaxRetryBackoff: base.MaxRetryBackoff,
		DialTimeout:     base.DialTimeout,
		ReadTimeout:     base.ReadTimeout,
		WriteTimeout:    base.WriteTimeout,

		PoolFIFO:              base.PoolFIFO,
		PoolSize:              base.PoolSize,
		MaxConcurrentDials:    base.MaxConcurrentDials,
		PoolTimeout:           base.PoolTimeout,
		MinIdleConns:          base.MinIdleConns,
		MaxIdleConns:          base.MaxIdleConns,
		MaxActiveConns:        base.MaxActiveConns,
		ConnMaxIdleTime:       base.ConnMaxIdleTime,
		ConnMaxLifetime:       base.ConnMaxLifetime,
		ConnMaxLifetimeJitter: base.ConnMaxLifetimeJitter,

		PipelinePoolSize:        base.PipelinePoolSize,
		PipelineReadBufferSize:  base.PipelineReadBufferSize,
		PipelineWriteBufferSize: base.PipelineWriteBufferSize,

		TLSConfig: base.TLSConfig,
	}, nil
}

// cutMasterName removes the master_name option, which goredis.ParseURL
// does not know, from the path-and-query part of a URL.
func cutMasterName(tail string) (rest, master string, err error) {
	path, query, ok := strings.Cut(tail, "?")
	if !ok {
		return tail, "", nil
	}
	query, _, _ = strings.Cut(query, "#")
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", "", redact(err)
	}
	master = q.Get("master_name")
	if q.Has("master_name") && master == "" {
		return "", "", errors.New("redis: master_name is empty")
	}
	q.Del("master_name")
	if len(q) == 0 {
		return path, master, nil
	}
	return path + "?" + q.Encode(), master, nil
}

// redact drops the URL that net/url puts in its errors.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("redis: invalid URL: %w", ue.Err)
	}
	return err
}
