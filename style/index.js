import './shared.css';
import './catalog.css';
import './dataset.css';
import './model.css';
import './lineage.css';
import './jobs.css';
import './provenance.css';
import './audit.css';
