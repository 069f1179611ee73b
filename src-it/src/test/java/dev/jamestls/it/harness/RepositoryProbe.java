package dev.jamestls.it.harness;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.utils.GuiceProbe;
import org.apache.mailet.Mail;

/** Reads mail repositories of the running James through its own store. */
public class RepositoryProbe implements GuiceProbe {
    private final MailRepositoryStore store;

    @Inject
    public RepositoryProbe(MailRepositoryStore store) {
        this.store = store;
    }

    public long size(String url) throws Exception {
        return repository(url).size();
    }

    /**
     * Copies of every mail in the repository (detached: the originals are
     * disposed so James does not log leaks, SPEC §4).
     */
    public List<StoredMail> mails(String url) throws Exception {
        MailRepository repository = repository(url);
        List<StoredMail> result = new ArrayList<>();
        Iterator<MailKey> keys = repository.list();
        while (keys.hasNext()) {
            Mail mail = repository.retrieve(keys.next());
            if (mail == null) {
                continue;
            }
            try {
                result.add(StoredMail.copyOf(mail));
            } finally {
                LifecycleUtil.dispose(mail);
                if (mail instanceof MailImpl impl) {
                    LifecycleUtil.dispose(impl.getMessage());
                }
            }
        }
        return result;
    }

    private MailRepository repository(String url) throws Exception {
        return store.select(MailRepositoryUrl.from(url));
    }
}
